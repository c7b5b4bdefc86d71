#include "mue/sweep.hpp"

#include "mue/errors.hpp"

#include <sstream>
#include <string_view>

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

// Every setting of the grid in evaluation order, the full model first; each one validated, so that
// a bad value fails before hours of evaluation rather than after.
std::vector<Candidate> candidates(const SweepGrid& grid) {
    require_nonempty(grid.image_thresholds, "image_thresholds");
    require_nonempty(grid.text_thresholds, "text_thresholds");
    require_nonempty(grid.decoder_thresholds, "decoder_thresholds");
    std::vector<Candidate> out;
    const auto add = [&](std::string label, ExitPolicy policy, const auto& set_fields) {
        ExitSettings s = grid.base;
        s.policy = policy;
        set_fields(s);
        s.validate();
        out.push_back({std::move(label), s});
    };
    add("full", ExitPolicy::Full, [](ExitSettings&) {});
    for (const double i : grid.image_thresholds) {
        for (const double t : grid.text_thresholds) {
            for (const double d : grid.decoder_thresholds) {
                add("mue i=" + number_text(i) + " t=" + number_text(t) + " d=" + number_text(d), ExitPolicy::Mue,
                    [&](ExitSettings& s) {
                        s.image_threshold = i;
                        s.text_threshold = t;
                        s.decoder_threshold = d;
                    });
            }
        }
    }
    if (!grid.include_baselines) return out;
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

}  // namespace

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
                              const SweepProgress& progress) {
    const auto settings = candidates(grid);
    std::vector<SweepPoint> points;
    points.reserve(settings.size());
    for (const auto& c : settings) {
        if (cancel != nullptr && cancel->cancelled()) break;
        EvalReport report;
        try {
            report = evaluate(engine, dataset, c.settings, options, cancel);
        } catch (const Cancelled&) {
            break;
        }
        SweepPoint p;
        p.label = c.label;
        p.settings = c.settings;
        p.score = report.score;
        p.retention = retention_of(report.score, points.empty() ? report.score : points.front().score);
        p.savings = report.savings;
        p.histograms = std::move(report.histograms);
        points.push_back(std::move(p));
        if (progress) progress(points.size(), settings.size());
    }
    mark_pareto(points);
    return points;
}

TuneResult tune(const Engine& engine, const std::string& dataset_name, double target_retention, const SweepGrid& grid,
                const EvalOptions& options, std::size_t limit, const CancellationToken* cancel,
                const SweepProgress& progress) {
    if (!(target_retention >= 0 && target_retention <= 1)) {
        throw InputError("target retention must be in [0, 1] (got " + number_text(target_retention) + ")");
    }
    const int image_size = engine.info().image_size;
    const auto validation = load_eval_dataset(dataset_name, kValidationSplit, limit, image_size);
    const auto test = load_eval_dataset(dataset_name, kTestSplit, limit, image_size);
    SweepGrid mue_only = grid;
    mue_only.include_baselines = false;
    const auto points = sweep(engine, validation, mue_only, options, cancel, progress);
    if (cancel != nullptr && cancel->cancelled()) throw Cancelled();

    // points[0] is the full model: the fallback, and a candidate like any other.
    std::size_t best = 0;
    for (std::size_t i = 1; i < points.size(); ++i) {
        const auto& p = points[i];
        const auto& b = points[best];
        if (p.retention < target_retention) continue;
        const double reduction = p.savings.expected_reduction_mean;
        const double best_reduction = b.savings.expected_reduction_mean;
        if (reduction > best_reduction || (reduction == best_reduction && p.score > b.score)) best = i;
    }

    TuneResult result;
    result.settings = points[best].settings;
    result.validation = points[best];
    const auto full_settings = points.front().settings;
    result.test = evaluate(engine, test, result.settings, options, cancel);
    result.full_test_score = result.settings == full_settings
                                 ? result.test.score
                                 : evaluate(engine, test, full_settings, options, cancel).score;
    result.test_retention = retention_of(result.test.score, result.full_test_score);
    return result;
}

}  // namespace mue
