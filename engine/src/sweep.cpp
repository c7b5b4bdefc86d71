#include "mue/sweep.hpp"

#include "evaluation_parts.hpp"
#include "mue/errors.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string_view>
#include <tuple>

namespace mue {
namespace {

constexpr std::string_view kValidationSplit = "validation";
constexpr std::string_view kTestSplit = "test";

struct Candidate {
    std::string label;
    ExitSettings settings;
};

// Six significant digits: enough to tell 0.999 from 0.9995, short enough for a table.
std::string number_text(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

void require_nonempty(const std::vector<double>& values, const char* field) {
    if (values.empty()) throw InputError(std::string("sweep grid: ") + field + " is empty");
}

Candidate make_candidate(const SweepGrid& grid, std::string label, ExitPolicy policy,
                         const std::function<void(ExitSettings&)>& set_fields) {
    ExitSettings s = grid.base;
    s.policy = policy;
    set_fields(s);
    s.validate();
    return {std::move(label), s};
}

Candidate mue_candidate(const SweepGrid& grid, double image, double text, double decoder) {
    return make_candidate(grid, "mue i=" + number_text(image) + " t=" + number_text(text) + " d=" + number_text(decoder),
                          ExitPolicy::Mue, [&](ExitSettings& s) {
                              s.image_threshold = image;
                              s.text_threshold = text;
                              s.decoder_threshold = decoder;
                          });
}

// Six decimals: number_text() then prints the threshold exactly, so a label names one setting.
constexpr double kThresholdQuantum = 1e6;

double threshold_of_gap(double gap) { return std::round((1.0 - gap) * kThresholdQuantum) / kThresholdQuantum; }

// Log-uniform in [min_gap, max_gap].
class GapSampler {
public:
    GapSampler(const SweepGrid& grid, std::uint64_t stream)
        : random_(grid.seed * 0x9E3779B97F4A7C15ULL + stream), log_min_(std::log(grid.min_gap)),
          log_max_(std::log(grid.max_gap)) {}

    double gap() { return std::exp(log_min_ + (log_max_ - log_min_) * unit()); }

    // `gap` scaled by a log-normal factor of spread `sigma`, kept in range.
    double near(double gap, double sigma) {
        // Box-Muller on our own uniforms: std::normal_distribution's sequence differs between
        // standard libraries, and the same seed must give the same sweep everywhere.
        const double u1 = std::max(unit(), 1e-12);
        const double u2 = unit();
        const double normal = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
        return std::clamp(gap * std::exp(sigma * normal), std::exp(log_min_), std::exp(log_max_));
    }

private:
    static constexpr double kPi = 3.14159265358979323846;
    double unit() { return static_cast<double>(random_() >> 11) * 0x1.0p-53; }

    std::mt19937_64 random_;
    double log_min_;
    double log_max_;
};

void require_search_range(const SweepGrid& grid) {
    if (!(grid.min_gap > 0 && grid.min_gap <= grid.max_gap && grid.max_gap < 1)) {
        throw InputError("sweep grid: the search range needs 0 < min_gap <= max_gap < 1 (got min_gap " +
                         number_text(grid.min_gap) + ", max_gap " + number_text(grid.max_gap) + ")");
    }
    if (grid.samples == 0) throw InputError("sweep grid: samples must be at least 1");
    if (grid.search == SweepSearch::Adaptive && grid.rounds < 0) throw InputError("sweep grid: rounds must be >= 0");
}

// The full model and the MuE settings known before anything is evaluated (Adaptive adds more later),
// each validated, so that a bad value fails before hours of evaluation rather than after.
std::vector<Candidate> first_candidates(const SweepGrid& grid) {
    std::vector<Candidate> out;
    out.push_back(make_candidate(grid, "full", ExitPolicy::Full, [](ExitSettings&) {}));
    if (grid.search == SweepSearch::Grid) {
        require_nonempty(grid.image_thresholds, "image_thresholds");
        require_nonempty(grid.text_thresholds, "text_thresholds");
        require_nonempty(grid.decoder_thresholds, "decoder_thresholds");
        for (const double i : grid.image_thresholds) {
            for (const double t : grid.text_thresholds) {
                for (const double d : grid.decoder_thresholds) out.push_back(mue_candidate(grid, i, t, d));
            }
        }
        return out;
    }
    require_search_range(grid);
    GapSampler sampler(grid, /*stream=*/0);
    std::set<std::string> labels;
    // Coarse ranges can repeat a setting; a few extra draws keep the count without looping forever.
    for (std::size_t draw = 0; labels.size() < grid.samples && draw < 4 * grid.samples; ++draw) {
        const double i = threshold_of_gap(sampler.gap());
        const double t = threshold_of_gap(sampler.gap());
        const double d = threshold_of_gap(sampler.gap());
        auto c = mue_candidate(grid, i, t, d);
        if (labels.insert(c.label).second) out.push_back(std::move(c));
    }
    return out;
}

std::vector<Candidate> baseline_candidates(const SweepGrid& grid) {
    std::vector<Candidate> out;
    if (!grid.include_baselines) return out;
    const auto add = [&](std::string label, ExitPolicy policy, const std::function<void(ExitSettings&)>& set) {
        out.push_back(make_candidate(grid, std::move(label), policy, set));
    };
    for (const double e : grid.entropy_thresholds) {
        add("deebert entropy=" + number_text(e), ExitPolicy::DeeBert, [&](ExitSettings& s) { s.entropy_threshold = e; });
    }
    for (const int p : grid.patience_values) {
        add("pabee patience=" + std::to_string(p), ExitPolicy::Pabee, [&](ExitSettings& s) { s.patience = p; });
    }
    for (const double c : grid.confidence_thresholds) {
        add("confidence p=" + number_text(c), ExitPolicy::Confidence,
            [&](ExitSettings& s) { s.confidence_threshold = c; });
    }
    for (const double j : grid.joint_thresholds) {
        for (const double d : grid.decoder_thresholds) {
            add("joint e=" + number_text(j) + " d=" + number_text(d), ExitPolicy::Joint, [&](ExitSettings& s) {
                s.joint_threshold = j;
                s.decoder_threshold = d;
            });
        }
    }
    for (const int l : grid.static_layers) {
        add("static layers=" + std::to_string(l), ExitPolicy::Static, [&](ExitSettings& s) {
            s.static_image_layers = l;
            s.static_text_layers = l;
            s.static_decoder_layers = l;
        });
    }
    return out;
}

// Nothing to lose when the full model scores 0: every setting keeps all of it.
double retention_of(double score, double full_score) { return full_score > 0 ? score / full_score : 1.0; }

void mark_pareto(std::vector<SweepPoint>& points) {
    std::vector<std::pair<double, double>> xy;
    xy.reserve(points.size());
    for (const auto& p : points) xy.emplace_back(p.score, p.savings.expected_reduction_mean);
    const auto flags = pareto_front(xy);
    for (std::size_t i = 0; i < points.size(); ++i) points[i].pareto = flags[i];
}

// Adaptive search, round `round`: settings drawn around the MuE points on the Pareto front of
// `points` (the ones with the largest retention when no MuE point is on it), new labels only.
std::vector<Candidate> refined_candidates(const SweepGrid& grid, const std::vector<SweepPoint>& points,
                                          const std::set<std::string>& labels, int round) {
    std::vector<std::pair<double, double>> xy;
    for (const auto& p : points) xy.emplace_back(p.score, p.savings.expected_reduction_mean);
    const auto front = pareto_front(xy);
    std::vector<const SweepPoint*> centres;
    for (std::size_t i = 0; i < points.size(); ++i) {
        if (front[i] && points[i].settings.policy == ExitPolicy::Mue) centres.push_back(&points[i]);
    }
    if (centres.empty()) {
        for (const auto& p : points) {
            if (p.settings.policy == ExitPolicy::Mue) centres.push_back(&p);
        }
        std::sort(centres.begin(), centres.end(),
                  [](const SweepPoint* a, const SweepPoint* b) { return a->retention > b->retention; });
    }
    std::vector<Candidate> out;
    if (centres.empty()) return out;

    constexpr double kFirstSpread = 0.8;  // log-normal sigma of round 0: about x0.45 .. x2.2
    const double sigma = kFirstSpread / std::pow(2.0, round);
    GapSampler sampler(grid, /*stream=*/static_cast<std::uint64_t>(round) + 1);
    const auto gap_of = [&](double threshold) { return std::max(1.0 - threshold, grid.min_gap); };
    std::set<std::string> drawn;
    for (std::size_t draw = 0; out.size() < grid.refine_samples && draw < 8 * grid.refine_samples; ++draw) {
        const ExitSettings& c = centres[draw % centres.size()]->settings;
        auto candidate = mue_candidate(grid, threshold_of_gap(sampler.near(gap_of(c.image_threshold), sigma)),
                                       threshold_of_gap(sampler.near(gap_of(c.text_threshold), sigma)),
                                       threshold_of_gap(sampler.near(gap_of(c.decoder_threshold), sigma)));
        if (labels.count(candidate.label) == 0 && drawn.insert(candidate.label).second) out.push_back(std::move(candidate));
    }
    return out;
}

const SweepPoint* finished_point(const std::vector<SweepPoint>& finished, const Candidate& c) {
    const auto done = std::find_if(finished.begin(), finished.end(), [&](const SweepPoint& f) {
        return f.label == c.label && f.settings == c.settings;
    });
    return done == finished.end() ? nullptr : &*done;
}

// What besides its two encoder exit layers decides an example's outcome under a MuE setting. The
// what-if flag is cleared: a pass with every threshold at 1 computes what a real run of such a
// setting computes (nothing exits either way), so the pass stands for those settings.
ExitSettings decoder_side(ExitSettings s) {
    constexpr double kEncoderThresholdsLeftOut = 0;
    s.image_threshold = kEncoderThresholdsLeftOut;
    s.text_threshold = kEncoderThresholdsLeftOut;
    s.what_if = false;
    return s;
}

// The layer a stream exits after under `threshold`, from its what-if similarities: the engine's
// rule (run_encoder_streams: the first layer whose float similarity, compared as a double, exceeds
// the threshold; no minimum depth), else all `layers`.
int derived_exit(const std::vector<float>& similarity, double threshold, int layers) {
    for (std::size_t l = 0; l < similarity.size(); ++l) {
        if (similarity[l] > threshold) return static_cast<int>(l) + 1;
    }
    return layers;
}

// The what-if route (SweepRoute::WhatIf in mue/sweep.hpp): per example, the outcome of each group
// of MuE settings that give it the same exit layers and decoder setting, run once.
class SharedOutcomes {
public:
    SharedOutcomes(const Engine& engine, const EvalDataset& dataset, const SweepGrid& grid, const EvalOptions& options,
                   const CancellationToken* cancel, SweepStats& stats)
        : engine_(engine), dataset_(dataset), grid_(grid), options_(options), cancel_(cancel), stats_(stats),
          groups_(dataset.items.size()) {}

    // Whether the MuE settings among `candidates` still to evaluate take this route: only where
    // sharing could save the cost of the pass, about one full-model evaluation.
    void plan(const std::vector<Candidate>& candidates, const std::vector<SweepPoint>& finished) {
        constexpr std::size_t kLeastSavedSettings = 2;
        std::size_t settings = 0;
        std::vector<ExitSettings> decoders;
        for (const auto& c : candidates) {
            if (c.settings.policy != ExitPolicy::Mue || finished_point(finished, c) != nullptr) continue;
            ++settings;
            const auto d = decoder_side(c.settings);
            if (std::find(decoders.begin(), decoders.end(), d) == decoders.end()) decoders.push_back(d);
        }
        // Outcomes are shared only between settings of one decoder setting.
        active_ = grid_.route == SweepRoute::WhatIf && !grid_.base.what_if &&
                  settings >= decoders.size() + kLeastSavedSettings;
    }

    [[nodiscard]] bool covers(const Candidate& c) const { return active_ && c.settings.policy == ExitPolicy::Mue; }

    // The report of `c`, running only the examples no earlier setting ran with the same exits and
    // decoder setting. Throws Cancelled.
    [[nodiscard]] EvalReport evaluate(const Candidate& c) {
        if (pass_.empty()) run_pass();
        const int layers = engine_.info().arch.encoder_layers;
        const std::size_t decoder = decoder_index(decoder_side(c.settings));
        std::vector<const detail::ExampleOutcome*> outcomes(dataset_.items.size(), nullptr);
        std::vector<std::size_t> to_run;
        std::vector<GroupKey> keys;
        for (std::size_t e = 0; e < dataset_.items.size(); ++e) {
            const auto& pass = pass_[e]->example;
            const GroupKey key{derived_exit(pass.image_similarity, c.settings.image_threshold, layers),
                               derived_exit(pass.text_similarity, c.settings.text_threshold, layers), decoder};
            const auto shared = groups_[e].find(key);
            if (shared != groups_[e].end() && shared->second.exact) {
                outcomes[e] = &shared->second.outcome;
                ++stats_.reused;
            } else {
                to_run.push_back(e);
                keys.push_back(key);
            }
        }
        std::deque<detail::ExampleOutcome> own;  // outcomes of groups whose first run exited elsewhere
        for_each_batch(to_run, c.settings, [&](std::size_t k, detail::ExampleOutcome outcome) {
            const std::size_t e = to_run[k];
            auto& groups = groups_[e];
            if (groups.count(keys[k]) != 0) {
                outcomes[e] = &own.emplace_back(std::move(outcome));
                return;
            }
            const bool exact =
                outcome.example.image_exit == keys[k].image && outcome.example.text_exit == keys[k].text;
            if (!exact) ++stats_.mismatches;
            outcomes[e] = &groups.emplace(keys[k], Shared{std::move(outcome), exact}).first->second.outcome;
        });
        stats_.runs += to_run.size();
        return detail::assemble_report(engine_, dataset_, c.settings, options_, outcomes);
    }

private:
    struct GroupKey {
        int image = 0;  // exit layers
        int text = 0;
        std::size_t decoder = 0;  // index into decoders_
        bool operator<(const GroupKey& o) const {
            return std::tie(image, text, decoder) < std::tie(o.image, o.text, o.decoder);
        }
    };
    struct Shared {
        detail::ExampleOutcome outcome;
        bool exact = true;  // the run exited where the group's key says
    };

    std::size_t decoder_index(const ExitSettings& decoder) {
        const auto known = std::find(decoders_.begin(), decoders_.end(), decoder);
        if (known != decoders_.end()) return static_cast<std::size_t>(known - decoders_.begin());
        decoders_.push_back(decoder);
        return decoders_.size() - 1;
    }

    // Runs dataset items `items` under `exits` in batches; `take(k, outcome)` for items[k].
    template <typename Take>
    void for_each_batch(const std::vector<std::size_t>& items, const ExitSettings& exits, Take take) const {
        const int decoder_layers = engine_.info().arch.decoder_layers;
        const auto batch = static_cast<std::size_t>(options_.batch_size);
        for (std::size_t first = 0; first < items.size(); first += batch) {
            const std::size_t last = std::min(first + batch, items.size());
            std::vector<RunRequest> requests;
            for (std::size_t k = first; k < last; ++k) {
                requests.push_back(detail::eval_request(dataset_.items[items[k]], dataset_.task, exits, options_));
            }
            auto results = engine_.run_batch(requests, cancel_);
            for (std::size_t k = first; k < last; ++k) {
                take(k, detail::example_outcome(dataset_.items[items[k]], results[k - first], decoder_layers));
            }
        }
    }

    // Every example once with every layer run and no exit: the similarities the exits derive from,
    // and the outcome of the settings that exit nowhere with the decoder whole.
    void run_pass() {
        constexpr double kNeverExits = 1.0;
        ExitSettings exits = grid_.base;
        exits.policy = ExitPolicy::Mue;
        exits.image_threshold = exits.text_threshold = exits.decoder_threshold = kNeverExits;
        exits.what_if = true;
        const int layers = engine_.info().arch.encoder_layers;
        const GroupKey whole{layers, layers, decoder_index(decoder_side(exits))};
        std::vector<std::size_t> all(dataset_.items.size());
        for (std::size_t e = 0; e < all.size(); ++e) all[e] = e;
        std::vector<const detail::ExampleOutcome*> pass(all.size(), nullptr);
        for_each_batch(all, exits, [&](std::size_t e, detail::ExampleOutcome outcome) {
            pass[e] = &groups_[e].emplace(whole, Shared{std::move(outcome), true}).first->second.outcome;
        });
        stats_.what_if_runs += all.size();
        pass_ = std::move(pass);
    }

    const Engine& engine_;
    const EvalDataset& dataset_;
    const SweepGrid& grid_;
    const EvalOptions& options_;
    const CancellationToken* cancel_;
    SweepStats& stats_;
    bool active_ = false;
    std::vector<ExitSettings> decoders_;
    std::vector<std::map<GroupKey, Shared>> groups_;   // per example
    std::vector<const detail::ExampleOutcome*> pass_;  // per example, in groups_; empty until the pass ran
};

}  // namespace

std::string_view sweep_route_name(SweepRoute route) {
    switch (route) {
        case SweepRoute::Rerun: return "rerun";
        case SweepRoute::WhatIf: return "what-if";
    }
    return "what-if";
}

std::optional<SweepRoute> parse_sweep_route(std::string_view name) {
    for (const auto r : {SweepRoute::Rerun, SweepRoute::WhatIf}) {
        if (name == sweep_route_name(r)) return r;
    }
    return std::nullopt;
}

std::string_view sweep_search_name(SweepSearch search) {
    switch (search) {
        case SweepSearch::Grid: return "grid";
        case SweepSearch::Random: return "random";
        case SweepSearch::Adaptive: return "adaptive";
    }
    return "grid";
}

std::optional<SweepSearch> parse_sweep_search(std::string_view name) {
    for (const auto s : {SweepSearch::Grid, SweepSearch::Random, SweepSearch::Adaptive}) {
        if (name == sweep_search_name(s)) return s;
    }
    return std::nullopt;
}

std::vector<bool> pareto_front(const std::vector<std::pair<double, double>>& points) {
    std::vector<bool> flags(points.size(), true);
    for (std::size_t i = 0; i < points.size(); ++i) {
        for (const auto& other : points) {
            const bool no_worse = other.first >= points[i].first && other.second >= points[i].second;
            const bool better = other.first > points[i].first || other.second > points[i].second;
            if (no_worse && better) {
                flags[i] = false;
                break;
            }
        }
    }
    return flags;
}

std::vector<SweepPoint> sweep(const Engine& engine, const EvalDataset& dataset, const SweepGrid& grid,
                              const EvalOptions& options, const CancellationToken* cancel,
                              const SweepProgress& progress, const std::vector<SweepPoint>& finished,
                              SweepStats* stats) {
    auto queue = first_candidates(grid);
    const auto baselines = baseline_candidates(grid);
    const bool adaptive = grid.search == SweepSearch::Adaptive;
    const std::size_t refinements = adaptive ? static_cast<std::size_t>(grid.rounds) * grid.refine_samples : 0;
    const std::size_t total = queue.size() + refinements + baselines.size();
    detail::require_evaluable(dataset, options);

    SweepStats counts;
    SharedOutcomes shared(engine, dataset, grid, options, cancel, counts);
    std::vector<SweepPoint> points;
    points.reserve(total);
    std::set<std::string> labels;
    // Evaluates `c` (or takes its finished point); false when cancelled.
    const auto run = [&](const Candidate& c) {
        if (cancel != nullptr && cancel->cancelled()) return false;
        SweepPoint p;
        if (const auto* done = finished_point(finished, c)) {
            p = *done;
        } else {
            EvalReport report;
            try {
                if (shared.covers(c)) {
                    report = shared.evaluate(c);
                } else {
                    report = evaluate(engine, dataset, c.settings, options, cancel);
                    counts.runs += dataset.items.size();
                }
            } catch (const Cancelled&) {
                return false;
            }
            p.label = c.label;
            p.settings = c.settings;
            p.score = report.score;
            p.example_scores.reserve(report.examples.size());
            for (const auto& e : report.examples) p.example_scores.push_back(e.score);
            p.savings = report.savings;
            p.histograms = std::move(report.histograms);
        }
        p.retention = retention_of(p.score, points.empty() ? p.score : points.front().score);
        labels.insert(p.label);
        points.push_back(std::move(p));
        if (progress) progress(points.size(), total);
        return true;
    };
    const auto run_all = [&](const std::vector<Candidate>& candidates) {
        shared.plan(candidates, finished);
        return std::all_of(candidates.begin(), candidates.end(), run);
    };

    bool complete = run_all(queue);
    for (int round = 0; complete && adaptive && round < grid.rounds; ++round) {
        complete = run_all(refined_candidates(grid, points, labels, round));
    }
    if (complete) run_all(baselines);
    mark_pareto(points);
    if (stats != nullptr) *stats = counts;
    return points;
}

double retention_lower_bound(const std::vector<double>& setting, const std::vector<double>& full, double confidence,
                             std::uint64_t seed) {
    if (setting.size() != full.size() || full.empty()) {
        throw InputError("retention bound: needs as many setting scores as full-model scores, at least one (got " +
                         std::to_string(setting.size()) + " and " + std::to_string(full.size()) + ")");
    }
    if (!(confidence > 0 && confidence < 1)) {
        throw InputError("retention bound: confidence must be in (0, 1) (got " + number_text(confidence) + ")");
    }
    std::mt19937_64 random(seed);
    const auto n = static_cast<std::uint64_t>(full.size());
    std::vector<double> retentions(kRetentionResamples);
    for (auto& r : retentions) {
        double setting_sum = 0;
        double full_sum = 0;
        for (std::uint64_t k = 0; k < n; ++k) {
            // Modulo rather than std::uniform_int_distribution, whose draws differ between standard
            // libraries; its bias, below n / 2^64, is nothing next to the bootstrap's own noise.
            const auto i = static_cast<std::size_t>(random() % n);
            setting_sum += setting[i];
            full_sum += full[i];
        }
        r = retention_of(setting_sum, full_sum);
    }
    // Nearest rank, rounded rather than ceiled: (1 - confidence) * kRetentionResamples is inexact in
    // floating point (1 - 0.9 is not 0.1), and 0.9 must mean the 200th of 2000.
    const auto rank = std::max<long>(std::lround((1 - confidence) * static_cast<double>(kRetentionResamples)), 1);
    const auto nth = retentions.begin() + (rank - 1);
    std::nth_element(retentions.begin(), nth, retentions.end());
    return *nth;
}

TuneResult tune(const Engine& engine, const std::string& dataset_name, double target_retention, const SweepGrid& grid,
                const EvalOptions& options, std::size_t limit, const CancellationToken* cancel,
                const SweepProgress& progress, std::optional<double> confidence) {
    if (!(target_retention >= 0 && target_retention <= 1)) {
        throw InputError("target retention must be in [0, 1] (got " + number_text(target_retention) + ")");
    }
    if (confidence && !(*confidence > 0 && *confidence < 1)) {
        throw InputError("confidence must be in (0, 1) (got " + number_text(*confidence) + ")");
    }
    const int image_size = engine.info().image_size;
    const auto validation = load_eval_dataset(dataset_name, kValidationSplit, limit, image_size);
    const auto test = load_eval_dataset(dataset_name, kTestSplit, limit, image_size);
    SweepGrid mue_only = grid;
    mue_only.include_baselines = false;
    const auto points = sweep(engine, validation, mue_only, options, cancel, progress);
    if (cancel != nullptr && cancel->cancelled()) throw Cancelled();

    const auto& full = points.front();
    const auto lower_bound = [&](const SweepPoint& p) {
        return retention_lower_bound(p.example_scores, full.example_scores, *confidence, kTuneBootstrapSeed);
    };
    // points[0] is the full model: the fallback, and a candidate like any other; its bound is 1.
    std::size_t best = 0;
    double best_bound = 1;
    for (std::size_t i = 1; i < points.size(); ++i) {
        const auto& p = points[i];
        const auto& b = points[best];
        if (p.retention < target_retention) continue;
        const double reduction = p.savings.expected_reduction_mean;
        const double best_reduction = b.savings.expected_reduction_mean;
        const bool better = reduction > best_reduction || (reduction == best_reduction && p.score > b.score);
        // The bootstrap last: it costs kRetentionResamples passes over the examples.
        if (!better) continue;
        const double bound = confidence ? lower_bound(p) : 1;
        if (bound < target_retention) continue;
        best = i;
        best_bound = bound;
    }

    TuneResult result;
    result.settings = points[best].settings;
    result.validation = points[best];
    result.confidence = confidence;
    if (confidence) result.validation_retention_lower_bound = best_bound;
    const auto full_settings = full.settings;
    result.test = evaluate(engine, test, result.settings, options, cancel);
    result.full_test_score = result.settings == full_settings
                                 ? result.test.score
                                 : evaluate(engine, test, full_settings, options, cancel).score;
    result.test_retention = retention_of(result.test.score, result.full_test_score);
    return result;
}

}  // namespace mue
