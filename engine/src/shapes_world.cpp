// Shapes world (mue/shapes_world.hpp): seeded scenes, label-first entailment items, captions,
// OpenCV rendering and export. docs/shapes-world.md explains the design choices.

#include "mue/shapes_world.hpp"

#include "mue/errors.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <iomanip>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace mue::shapes {
namespace {

constexpr double kPi = 3.14159265358979323846;

// ---- randomness ---------------------------------------------------------------------------------

// Only the engine's raw 64-bit output is used (std distributions differ between standard
// libraries), so a seed gives the same world everywhere.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : engine_(seed) {}

    [[nodiscard]] double uniform() {
        constexpr int kMantissaShift = 11;  // keep the 53 bits a double holds exactly
        return static_cast<double>(engine_() >> kMantissaShift) * 0x1.0p-53;
    }
    [[nodiscard]] double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    [[nodiscard]] int below(int n) { return std::min(n - 1, static_cast<int>(uniform() * n)); }
    [[nodiscard]] int between(int lo, int hi) { return lo + below(hi - lo + 1); }
    [[nodiscard]] bool chance(double p) { return uniform() < p; }
    [[nodiscard]] double normal() {  // Box-Muller
        const double radius = std::sqrt(-2.0 * std::log(1.0 - uniform()));
        return radius * std::cos(2.0 * kPi * uniform());
    }
    template <typename T, std::size_t N>
    [[nodiscard]] T pick(const std::array<T, N>& values) {
        return values[static_cast<std::size_t>(below(static_cast<int>(N)))];
    }
    template <std::size_t N>
    [[nodiscard]] std::size_t weighted(const std::array<double, N>& weights) {
        double total = 0;
        for (const double w : weights) total += w;
        double u = uniform() * total;
        for (std::size_t i = 0; i < N; ++i) {
            if (u < weights[i]) return i;
            u -= weights[i];
        }
        return N - 1;
    }

private:
    std::mt19937_64 engine_;
};

// splitmix64's finaliser: a bijection, so distinct ids always give distinct seeds.
[[nodiscard]] std::uint64_t mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

constexpr std::uint64_t kRenderStream = 0x5EED0F0C1A77E2ULL;  // clutter and noise, apart from layout
constexpr std::uint64_t kDifficultyStream = 0xD1FF1C017ULL;

// ---- difficulty levels --------------------------------------------------------------------------

struct Level {
    int min_objects;       // visible objects
    int max_objects;
    double small_share;    // chance that an unconstrained object is small
    double cover_chance;   // chance of a cover when the label neither needs nor forbids one
    double cover_overlap;  // how deep (fraction of its bound) the cover may cut into a visible object
    double max_angle_deg;
    double shade_scale;    // brightness jitter of an object's shade, +-
    int shade_offset;      // per-channel jitter of an object's shade, +-
    int background_tint;   // per-channel deviation of the background from light grey, +-
    int gradient;          // vertical brightness ramp across the image
    int clutter_lines;
    int clutter_dots;
    double noise_sigma;
    std::array<double, 4> kind_weights;  // existence, attribute, count, relation
};

// min, max, small, cover, overlap, angle, shade scale, shade offset, tint, gradient, lines, dots,
// noise, kinds
constexpr std::array<Level, kMaxDifficulty + 1> kLevels{{
    {1, 2, 0.00, 0.00, 0.00, 0, 0.00, 0, 6, 0, 0, 0, 0, {0.50, 0.30, 0.20, 0.00}},
    {2, 3, 0.25, 0.00, 0.00, 5, 0.05, 4, 12, 0, 1, 2, 3, {0.30, 0.30, 0.20, 0.20}},
    {3, 4, 0.45, 0.25, 0.00, 10, 0.09, 6, 18, 0, 2, 5, 5, {0.25, 0.25, 0.25, 0.25}},
    {4, 5, 0.60, 0.40, 0.25, 15, 0.13, 8, 24, 16, 4, 8, 8, {0.15, 0.25, 0.25, 0.35}},
    {5, 6, 0.70, 0.55, 0.35, 20, 0.17, 10, 30, 24, 6, 12, 11, {0.10, 0.20, 0.30, 0.40}},
}};

// Far apart in hue and brightness; shade jitter never carries one name towards another.
constexpr std::array<std::array<int, 3>, kColours.size()> kPalette{{
    {210, 45, 45},    // red
    {45, 160, 70},    // green
    {45, 95, 215},    // blue
    {230, 195, 40},   // yellow
    {145, 65, 185},   // purple
}};
constexpr int kBackgroundGrey = 232;
constexpr int kCoverGrey = 150;   // neutral: no named colour is grey
constexpr int kHatchGrey = 112;
constexpr int kMinClutterGrey = 90;
constexpr int kMaxClutterGrey = 170;
constexpr double kHatchSpacing = 0.06;  // fraction of the image side
constexpr double kDotRadius = 0.015;
constexpr double kHiddenChance = 0.5;   // a cover hides an object this often

constexpr int kPlanAttempts = 200;
constexpr int kLayoutAttempts = 40;
constexpr int kPlacementTries = 60;

[[nodiscard]] const Level& level_of(int difficulty) {
    if (difficulty < kMinDifficulty || difficulty > kMaxDifficulty) {
        throw InputError("shapes world: difficulty " + std::to_string(difficulty) + " is outside " +
                         std::to_string(kMinDifficulty) + ".." + std::to_string(kMaxDifficulty));
    }
    return kLevels[static_cast<std::size_t>(difficulty)];
}

void check_image_size(int size) {
    if (size < kMinImageSize || size > kMaxImageSize) {
        throw InputError("shapes world: image size " + std::to_string(size) + " is outside " +
                         std::to_string(kMinImageSize) + ".." + std::to_string(kMaxImageSize));
    }
}

[[nodiscard]] bool sizes_vary(const Level& level) { return level.small_share > 0; }

// ---- references and hypotheses ------------------------------------------------------------------

// The attributes of a visible object before it is placed.
struct Spec {
    Shape shape = Shape::Circle;
    Colour colour = Colour::Red;
    Size size = Size::Large;
};

// A description: "circle", "red shape", "large red circle". Unset attributes match anything.
struct Ref {
    std::optional<Shape> shape;
    std::optional<Colour> colour;
    std::optional<Size> size;

    template <typename Thing>
    [[nodiscard]] bool matches(const Thing& thing) const {
        return (!shape || *shape == thing.shape) && (!colour || *colour == thing.colour) &&
               (!size || *size == thing.size);
    }
};

enum class Kind : std::uint8_t { Existence, Attribute, Count, Relation };
constexpr std::array<std::string_view, 4> kKindNames{"existence", "attribute", "count", "relation"};

struct Hypothesis {
    Kind kind = Kind::Existence;
    Ref subject;
    Ref predicate;  // attribute: what every subject is said to be (one attribute set)
    int count = 0;  // count: the stated number
    Relation relation = Relation::LeftOf;
    Ref object;     // relation: the second referent, never matching the same objects as the subject
};

constexpr std::array<std::string_view, 6> kNumberWords{"one", "two", "three", "four", "five", "six"};
constexpr int kMaxStatedCount = 3;

[[nodiscard]] std::string number_word(std::size_t n) { return std::string(kNumberWords.at(n - 1)); }

// "red circle", "red shapes", "large circle".
[[nodiscard]] std::string noun_phrase(const Ref& ref, bool plural) {
    std::string text;
    if (ref.size) text += std::string(size_name(*ref.size)) + " ";
    if (ref.colour) text += std::string(colour_name(*ref.colour)) + " ";
    if (ref.shape) {
        text += plural ? shape_plural(*ref.shape) : shape_name(*ref.shape);
    } else {
        text += plural ? "shapes" : "shape";
    }
    return text;
}

[[nodiscard]] std::string text_of(const Hypothesis& h) {
    switch (h.kind) {
    case Kind::Existence:
        return "there is a " + noun_phrase(h.subject, /*plural=*/false);
    case Kind::Attribute: {
        std::string text = "the " + noun_phrase(h.subject, /*plural=*/false) + " is ";
        if (h.predicate.shape) return text + "a " + std::string(shape_name(*h.predicate.shape));
        if (h.predicate.colour) return text + std::string(colour_name(*h.predicate.colour));
        return text + std::string(size_name(*h.predicate.size));
    }
    case Kind::Count:
        return (h.count == 1 ? "there is one " : "there are " + number_word(static_cast<std::size_t>(h.count)) + " ") +
               noun_phrase(h.subject, /*plural=*/h.count != 1);
    case Kind::Relation:
        return "the " + noun_phrase(h.subject, /*plural=*/false) + " is " + std::string(relation_name(h.relation)) +
               " the " + noun_phrase(h.object, /*plural=*/false);
    }
    throw std::logic_error("shapes world: unknown hypothesis kind");
}

[[nodiscard]] std::vector<const Object*> visible_matching(const Scene& scene, const Ref& ref) {
    std::vector<const Object*> found;
    for (const Object& o : scene.objects) {
        if (!o.occluded && ref.matches(o)) found.push_back(&o);
    }
    return found;
}

// The label the hypothesis has in the scene, or nothing when it is not well posed there (a definite
// reference without referent, a relation too close to call). Definite references ("the circle")
// range over the visible objects; existence and counts also over what a cover may hide.
[[nodiscard]] std::optional<Label> evaluate(const Hypothesis& h, const Scene& scene) {
    const auto subjects = visible_matching(scene, h.subject);
    const auto tally = [](std::size_t held, std::size_t total) {
        return held == total ? Label::Yes : held == 0 ? Label::No : Label::Maybe;
    };
    switch (h.kind) {
    case Kind::Existence:
        if (!subjects.empty()) return Label::Yes;
        return scene.cover ? Label::Maybe : Label::No;
    case Kind::Count: {
        const auto stated = static_cast<std::size_t>(h.count);
        if (subjects.size() > stated) return Label::No;
        if (scene.cover) return Label::Maybe;
        return subjects.size() == stated ? Label::Yes : Label::No;
    }
    case Kind::Attribute: {
        if (subjects.empty()) return std::nullopt;
        const auto held = static_cast<std::size_t>(std::count_if(
            subjects.begin(), subjects.end(), [&](const Object* o) { return h.predicate.matches(*o); }));
        return tally(held, subjects.size());
    }
    case Kind::Relation: {
        const auto objects = visible_matching(scene, h.object);
        if (subjects.empty() || objects.empty()) return std::nullopt;
        std::size_t held = 0;
        for (const Object* a : subjects) {
            for (const Object* b : objects) {
                if (a == b) return std::nullopt;
                if (relation_holds(*a, *b, h.relation, scene.width)) {
                    ++held;
                } else if (!relation_holds(*b, *a, h.relation, scene.width)) {
                    return std::nullopt;  // neither way round: too close to call
                }
            }
        }
        return tally(held, subjects.size() * objects.size());
    }
    }
    throw std::logic_error("shapes world: unknown hypothesis kind");
}

// ---- planning a scene for a label ---------------------------------------------------------------

// Random: the level's cover chance. Even: half the time, where the other labels of the same kind
// force or forbid a cover, so that seeing a cover does not give the label away.
enum class CoverRule : std::uint8_t { Forbidden, Required, Random, Even };

// Decided once per plan: deciding per layout attempt would favour the easier layouts without one.
struct Plan {
    std::vector<Spec> visible;
    bool cover = false;
};

[[nodiscard]] bool wants_cover(CoverRule rule, const Level& level, Rng& rng) {
    switch (rule) {
    case CoverRule::Forbidden: return false;
    case CoverRule::Required: return true;
    case CoverRule::Random: return rng.chance(level.cover_chance);
    case CoverRule::Even: return rng.chance(0.5);
    }
    throw std::logic_error("shapes world: unknown cover rule");
}

[[nodiscard]] Spec random_spec(const Level& level, Rng& rng) {
    Spec spec;
    spec.shape = rng.pick(kShapes);
    spec.colour = rng.pick(kColours);
    spec.size = rng.chance(level.small_share) ? Size::Small : Size::Large;
    return spec;
}

[[nodiscard]] Spec completing(const Ref& ref, const Level& level, Rng& rng) {
    Spec spec = random_spec(level, rng);
    if (ref.shape) spec.shape = *ref.shape;
    if (ref.colour) spec.colour = *ref.colour;
    if (ref.size) spec.size = *ref.size;
    return spec;
}

// A random object that none of `refs` describes (a near miss as often as not).
[[nodiscard]] Spec avoiding(std::initializer_list<const Ref*> refs, const Level& level, Rng& rng) {
    constexpr int kTries = 1000;
    for (int i = 0; i < kTries; ++i) {
        const Spec spec = random_spec(level, rng);
        if (std::none_of(refs.begin(), refs.end(), [&](const Ref* r) { return r->matches(spec); })) return spec;
    }
    throw std::logic_error("shapes world: no object avoids the references");
}

template <typename T, std::size_t N>
[[nodiscard]] T other_than(T value, const std::array<T, N>& values, Rng& rng) {
    T other = value;
    while (other == value) other = rng.pick(values);
    return other;
}

// Sets the predicate's attribute on `spec` (satisfy) or a different value of it (violate).
[[nodiscard]] Spec with_predicate(Spec spec, const Ref& predicate, bool satisfy, Rng& rng) {
    if (predicate.shape) spec.shape = satisfy ? *predicate.shape : other_than(*predicate.shape, kShapes, rng);
    if (predicate.colour) spec.colour = satisfy ? *predicate.colour : other_than(*predicate.colour, kColours, rng);
    if (predicate.size) spec.size = satisfy ? *predicate.size : other_than(*predicate.size, kSizes, rng);
    return spec;
}

// Draws the hypothesis text independently of the label, so text alone cannot predict it.
[[nodiscard]] Hypothesis draw_hypothesis(Kind kind, const Level& level, int visible, Rng& rng) {
    Hypothesis h;
    h.kind = kind;
    const bool sizes = sizes_vary(level);
    switch (kind) {
    case Kind::Existence: {
        h.subject.shape = rng.pick(kShapes);
        const int form = sizes ? rng.below(3) : 0;  // colour, size, or size and colour
        if (form != 1) h.subject.colour = rng.pick(kColours);
        if (form != 0) h.subject.size = rng.pick(kSizes);
        break;
    }
    case Kind::Attribute: {
        const int form = rng.below(sizes ? 3 : 2);  // shape -> colour, colour -> shape, shape -> size
        if (form == 1) {
            h.subject.colour = rng.pick(kColours);
            h.predicate.shape = rng.pick(kShapes);
        } else {
            h.subject.shape = rng.pick(kShapes);
            if (form == 0) {
                h.predicate.colour = rng.pick(kColours);
            } else {
                h.predicate.size = rng.pick(kSizes);
            }
        }
        break;
    }
    case Kind::Count:
        if (rng.chance(0.5)) {
            h.subject.shape = rng.pick(kShapes);
        } else {
            h.subject.colour = rng.pick(kColours);
        }
        h.count = rng.between(1, std::min(kMaxStatedCount, visible));
        break;
    case Kind::Relation: {
        const int form = rng.below(3);  // by shape, by colour, by both
        if (form != 1) {
            h.subject.shape = rng.pick(kShapes);
            h.object.shape = rng.pick(kShapes);
        }
        if (form != 0) {
            h.subject.colour = rng.pick(kColours);
            h.object.colour = other_than(*h.subject.colour, kColours, rng);
        }
        if (form == 0) h.object.shape = other_than(*h.subject.shape, kShapes, rng);
        h.relation = rng.pick(kRelations);
        break;
    }
    }
    return h;
}

// Visible objects that the label needs at least; the level's own count is raised to it.
[[nodiscard]] int objects_needed(Kind kind, Label label) {
    if (label != Label::Maybe) return kind == Kind::Relation ? 2 : 1;
    return kind == Kind::Relation ? 3 : kind == Kind::Attribute ? 2 : 1;
}

// The attributes that give `h` the label `label` among `visible` objects. Positions, which decide
// relations, are found later by trying layouts.
[[nodiscard]] Plan plan_for(const Hypothesis& h, Label label, int visible, const Level& level, Rng& rng) {
    constexpr double kSecondMatchChance = 0.25;  // more than one referent when the label allows it
    constexpr double kThirdMatchChance = 0.3;
    Plan plan;
    CoverRule cover = CoverRule::Random;
    const auto add = [&](int n, const auto& make) {
        for (int i = 0; i < n; ++i) plan.visible.push_back(make(i));
    };
    const auto subject = [&](int) { return completing(h.subject, level, rng); };
    const auto rest = [&](int) { return avoiding({&h.subject, &h.object}, level, rng); };
    switch (h.kind) {
    case Kind::Existence: {
        const int matches = label != Label::Yes ? 0 : visible >= 2 && rng.chance(kSecondMatchChance) ? 2 : 1;
        add(matches, subject);
        cover = label == Label::No ? CoverRule::Forbidden : label == Label::Maybe ? CoverRule::Required
                                                                                  : CoverRule::Even;
        add(visible - matches, [&](int) { return avoiding({&h.subject}, level, rng); });
        break;
    }
    case Kind::Count: {
        int matches = h.count;
        cover = CoverRule::Forbidden;
        if (label == Label::No) {
            const bool more = h.count + 1 <= visible && rng.chance(0.5);
            matches = more ? h.count + 1 : h.count - 1;
            if (more) cover = CoverRule::Required;  // already too many, whatever a cover hides
        } else if (label == Label::Maybe) {
            matches = h.count - rng.below(2);
            cover = CoverRule::Required;
        }
        add(matches, subject);
        add(visible - matches, [&](int) { return avoiding({&h.subject}, level, rng); });
        break;
    }
    case Kind::Attribute: {
        int matches = visible >= 2 && rng.chance(kSecondMatchChance) ? 2 : 1;
        if (label == Label::Maybe) matches = visible >= 4 && rng.chance(kThirdMatchChance) ? 3 : 2;
        add(matches, [&](int i) {
            // maybe: the first referent has the property, the second has not, any others either way
            const bool satisfy =
                label == Label::Yes || (label == Label::Maybe && (i == 0 || (i > 1 && rng.chance(0.5))));
            return with_predicate(completing(h.subject, level, rng), h.predicate, satisfy, rng);
        });
        add(visible - matches, [&](int) { return avoiding({&h.subject}, level, rng); });
        break;
    }
    case Kind::Relation: {
        int subjects = 1;
        int objects = 1;
        if (label == Label::Maybe || (visible >= 3 && rng.chance(kSecondMatchChance))) {
            (rng.chance(0.5) ? subjects : objects) = 2;
        }
        add(subjects, subject);
        add(objects, [&](int) { return completing(h.object, level, rng); });
        add(visible - subjects - objects, rest);
        break;
    }
    }
    plan.cover = wants_cover(cover, level, rng);
    return plan;
}

// ---- layout -------------------------------------------------------------------------------------

[[nodiscard]] std::uint8_t clamp_byte(double v) {
    return static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
}

[[nodiscard]] Object make_object(const Spec& spec, const Level& level, int image_size, Rng& rng) {
    Object o;
    o.shape = spec.shape;
    o.colour = spec.colour;
    o.size = spec.size;
    const auto& base = kPalette[static_cast<std::size_t>(spec.colour)];
    const double brightness = 1.0 + rng.uniform(-level.shade_scale, level.shade_scale);
    for (std::size_t c = 0; c < o.rgb.size(); ++c) {
        o.rgb[c] = clamp_byte(base[c] * brightness + rng.between(-level.shade_offset, level.shade_offset));
    }
    const float nominal = spec.size == Size::Large ? kLargeExtent : kSmallExtent;
    o.extent = nominal * static_cast<float>(image_size) *
               static_cast<float>(1.0 + rng.uniform(-kExtentJitter, kExtentJitter));
    o.angle_deg = static_cast<float>(rng.uniform(-level.max_angle_deg, level.max_angle_deg));
    return o;
}

[[nodiscard]] double distance_to_cover(const Cover& cover, double x, double y) {
    const double dx = std::max({cover.x0 - x, 0.0, x - cover.x1});
    const double dy = std::max({cover.y0 - y, 0.0, y - cover.y1});
    return std::hypot(dx, dy);
}

// Places the cover if the plan has one, maybe a hidden object under it, then the planned objects
// (largest first). Nothing when the objects do not fit this time.
[[nodiscard]] std::optional<Scene> lay_out(const Plan& plan, const Ref& hidden_like, int difficulty, int image_size,
                                           Rng& rng) {
    const Level& level = level_of(difficulty);
    const double side = image_size;
    const double gap = kObjectGap * side;
    Scene scene;
    scene.width = image_size;
    scene.height = image_size;
    scene.difficulty = difficulty;
    for (auto& channel : scene.background) {
        channel = clamp_byte(kBackgroundGrey + rng.between(-level.background_tint, level.background_tint));
    }
    if (plan.cover) {
        const double w = rng.uniform(kMinCoverSide, kMaxCoverSide) * side;
        const double h = rng.uniform(kMinCoverSide, kMaxCoverSide) * side;
        Cover c;
        c.x0 = static_cast<float>(rng.uniform(0, side - w));
        c.y0 = static_cast<float>(rng.uniform(0, side - h));
        c.x1 = c.x0 + static_cast<float>(w);
        c.y1 = c.y0 + static_cast<float>(h);
        scene.cover = c;
        if (rng.chance(kHiddenChance)) {
            // Half the time the hidden object is what the hypothesis asks about: "maybe" is real.
            Object o = make_object(rng.chance(0.5) ? completing(hidden_like, level, rng) : random_spec(level, rng),
                                   level, image_size, rng);
            const double bound = kShapeBound * o.extent;
            o.x = static_cast<float>(rng.uniform(c.x0 + bound, c.x1 - bound));
            o.y = static_cast<float>(rng.uniform(c.y0 + bound, c.y1 - bound));
            o.occluded = true;
            scene.objects.push_back(o);
        }
    }
    std::vector<Spec> order = plan.visible;
    std::stable_sort(order.begin(), order.end(), [](const Spec& a, const Spec& b) { return a.size > b.size; });
    for (const Spec& spec : order) {
        Object o = make_object(spec, level, image_size, rng);
        const double bound = kShapeBound * o.extent;
        const double cover_clearance =
            level.cover_overlap > 0 ? bound * (1.0 - level.cover_overlap) : bound + gap;
        bool placed = false;
        for (int t = 0; t < kPlacementTries && !placed; ++t) {
            const double x = rng.uniform(bound + 1, side - bound - 1);
            const double y = rng.uniform(bound + 1, side - bound - 1);
            placed = std::all_of(scene.objects.begin(), scene.objects.end(), [&](const Object& other) {
                return other.occluded ||
                       std::hypot(other.x - x, other.y - y) >= bound + kShapeBound * other.extent + gap;
            });
            placed = placed && (!scene.cover || distance_to_cover(*scene.cover, x, y) >= cover_clearance);
            if (placed) {
                o.x = static_cast<float>(x);
                o.y = static_cast<float>(y);
            }
        }
        if (!placed) return std::nullopt;
        scene.objects.push_back(o);
    }
    return scene;
}

// ---- captions -----------------------------------------------------------------------------------

[[nodiscard]] std::string describe(const Object& o) {
    return std::string(size_name(o.size)) + " " + std::string(colour_name(o.colour)) + " " +
           std::string(shape_name(o.shape));
}

[[nodiscard]] Relation inverse(Relation r) {
    switch (r) {
    case Relation::LeftOf: return Relation::RightOf;
    case Relation::RightOf: return Relation::LeftOf;
    case Relation::Above: return Relation::Below;
    case Relation::Below: return Relation::Above;
    }
    throw std::logic_error("shapes world: unknown relation");
}

// Canonical caption first. Up to three objects every one is named (at most 14 words); beyond that
// the count and the two most salient objects (large before small, then left to right).
[[nodiscard]] std::vector<std::string> caption_variants(const Scene& scene) {
    std::vector<const Object*> shown;
    for (const Object& o : scene.objects) {
        if (!o.occluded) shown.push_back(&o);
    }
    const auto left_to_right = [](const Object* a, const Object* b) {
        return a->x != b->x ? a->x < b->x : a->y < b->y;
    };
    std::sort(shown.begin(), shown.end(), left_to_right);
    const auto a = [&](std::size_t i) { return "a " + describe(*shown[i]); };
    switch (shown.size()) {
    case 1: {
        const std::string d = describe(*shown[0]);
        return {"a " + d, "there is a " + d, "one " + d, "a single " + d};
    }
    case 2: {
        // Objects keep more than the margin apart, so if x does not separate them y does.
        const Relation r = relation_holds(*shown[0], *shown[1], Relation::LeftOf, scene.width) ? Relation::LeftOf
                           : shown[0]->y < shown[1]->y                                        ? Relation::Above
                                                                                              : Relation::Below;
        return {a(0) + " " + std::string(relation_name(r)) + " " + a(1),
                a(1) + " " + std::string(relation_name(inverse(r))) + " " + a(0),
                "there is " + a(0) + " and " + a(1), a(1) + " and " + a(0)};
    }
    case 3:
        return {a(0) + " with " + a(1) + " and " + a(2), a(2) + " with " + a(1) + " and " + a(0),
                a(1) + " with " + a(0) + " and " + a(2), "three shapes including " + a(0) + " and " + a(1)};
    default: {
        std::vector<const Object*> salient = shown;
        std::stable_sort(salient.begin(), salient.end(),
                         [](const Object* x, const Object* y) { return x->size > y->size; });
        salient.resize(2);
        std::sort(salient.begin(), salient.end(), left_to_right);
        const std::string n = number_word(shown.size());
        if (describe(*salient[0]) == describe(*salient[1])) {  // "two large red crosses"
            const Object& o = *salient[0];
            const std::string both = "two " + std::string(size_name(o.size)) + " " +
                                     std::string(colour_name(o.colour)) + " " + std::string(shape_plural(o.shape));
            return {n + " shapes including " + both, both + " among " + n + " shapes",
                    "there are " + n + " shapes including " + both};
        }
        const std::string first = "a " + describe(*salient[0]);
        const std::string second = "a " + describe(*salient[1]);
        return {n + " shapes including " + first + " and " + second,
                n + " shapes including " + second + " and " + first,
                first + " and " + second + " among " + n + " shapes",
                "there are " + n + " shapes including " + first};
    }
    }
}

// Alike objects make some reorderings coincide; each reference is kept once.
[[nodiscard]] std::vector<std::string> captions_of(const Scene& scene) {
    std::vector<std::string> references;
    for (std::string& r : caption_variants(scene)) {
        if (std::find(references.begin(), references.end(), r) == references.end()) references.push_back(std::move(r));
    }
    return references;
}

// ---- ids ----------------------------------------------------------------------------------------

enum class Task : std::uint64_t { Entailment = 1, Caption = 2, Question = 3 };
constexpr int kTaskShift = 60;
constexpr int kSplitShift = 56;
constexpr std::uint64_t kFieldMask = 0xF;

[[nodiscard]] std::uint64_t make_id(Task task, Split split, std::uint64_t index) {
    if (index >= kMaxItemIndex) {
        throw InputError("shapes world: item index " + std::to_string(index) + " is not below 2^56");
    }
    return (static_cast<std::uint64_t>(task) << kTaskShift) | (static_cast<std::uint64_t>(split) << kSplitShift) |
           index;
}

// ---- drawing ------------------------------------------------------------------------------------

constexpr int kShiftBits = 4;  // OpenCV fixed-point coordinates: 1/16 pixel
constexpr double kSubpixel = 1 << kShiftBits;

[[nodiscard]] cv::Point fixed_point(double x, double y) {
    return {static_cast<int>(std::lround(x * kSubpixel)), static_cast<int>(std::lround(y * kSubpixel))};
}

// Outline of a polygonal shape around the origin, before rotation, in units of the extent. Sizes
// give every shape roughly the same visual weight within kShapeBound.
[[nodiscard]] std::vector<std::pair<double, double>> outline(Shape shape) {
    constexpr double kSquareHalf = 0.8;
    constexpr double kArm = 1.08;   // cross: half length of an arm
    constexpr double kHalfWidth = 0.36;
    switch (shape) {
    case Shape::Square:
        return {{-kSquareHalf, -kSquareHalf}, {kSquareHalf, -kSquareHalf}, {kSquareHalf, kSquareHalf},
                {-kSquareHalf, kSquareHalf}};
    case Shape::Triangle: {
        std::vector<std::pair<double, double>> points;
        constexpr int kCorners = 3;
        for (int i = 0; i < kCorners; ++i) {  // pointing up, circumradius kShapeBound
            const double angle = -kPi / 2 + 2 * kPi * i / kCorners;
            points.emplace_back(kShapeBound * std::cos(angle), kShapeBound * std::sin(angle));
        }
        return points;
    }
    case Shape::Cross:
        return {{-kHalfWidth, -kArm}, {kHalfWidth, -kArm}, {kHalfWidth, -kHalfWidth}, {kArm, -kHalfWidth},
                {kArm, kHalfWidth},   {kHalfWidth, kHalfWidth}, {kHalfWidth, kArm}, {-kHalfWidth, kArm},
                {-kHalfWidth, kHalfWidth}, {-kArm, kHalfWidth}, {-kArm, -kHalfWidth}, {-kHalfWidth, -kHalfWidth}};
    case Shape::Circle:
        break;
    }
    throw std::logic_error("shapes world: a circle has no outline");
}

// `colour` in the canvas's channels; patch_classes() draws object indices without antialiasing.
void draw_object(cv::Mat& canvas, const Object& o, const cv::Scalar& colour, int line_type) {
    if (o.shape == Shape::Circle) {
        cv::circle(canvas, fixed_point(o.x, o.y), static_cast<int>(std::lround(o.extent * kSubpixel)), colour,
                   cv::FILLED, line_type, kShiftBits);
        return;
    }
    const double angle = o.angle_deg * kPi / 180.0;
    const double c = std::cos(angle);
    const double s = std::sin(angle);
    std::vector<cv::Point> points;
    for (const auto& [px, py] : outline(o.shape)) {
        points.push_back(fixed_point(o.x + o.extent * (c * px - s * py), o.y + o.extent * (s * px + c * py)));
    }
    cv::fillPoly(canvas, std::vector<std::vector<cv::Point>>{points}, colour, line_type, kShiftBits);
}

// The pixels the cover paints: every pixel whose centre lies within half a pixel of the panel, so
// no antialiased fringe of a hidden object shows.
[[nodiscard]] cv::Rect cover_area(const Cover& cover, const cv::Mat& canvas) {
    const cv::Rect whole(0, 0, canvas.cols, canvas.rows);
    const int x0 = static_cast<int>(std::floor(cover.x0 - 0.5F));
    const int y0 = static_cast<int>(std::floor(cover.y0 - 0.5F));
    return cv::Rect(x0, y0, static_cast<int>(std::ceil(cover.x1 + 0.5F)) - x0 + 1,
                    static_cast<int>(std::ceil(cover.y1 + 0.5F)) - y0 + 1) & whole;
}

void draw_cover(cv::Mat& canvas, const Cover& cover) {
    const cv::Rect area = cover_area(cover, canvas);
    if (area.empty()) return;
    cv::Mat panel = canvas(area);
    panel.setTo(cv::Scalar::all(kCoverGrey));
    const int spacing = std::max(2, static_cast<int>(std::lround(kHatchSpacing * canvas.cols)));
    for (int offset = -area.height; offset < area.width; offset += spacing) {
        cv::line(panel, {offset, 0}, {offset + area.height, area.height}, cv::Scalar::all(kHatchGrey),
                 /*thickness=*/1, cv::LINE_AA);
    }
    cv::rectangle(panel, {0, 0}, {area.width - 1, area.height - 1}, cv::Scalar::all(kHatchGrey), /*thickness=*/1);
}

}  // namespace

// ---- names --------------------------------------------------------------------------------------

std::string_view shape_name(Shape shape) {
    constexpr std::array<std::string_view, kShapes.size()> kNames{"circle", "square", "triangle", "cross"};
    return kNames.at(static_cast<std::size_t>(shape));
}

std::string_view shape_plural(Shape shape) {
    constexpr std::array<std::string_view, kShapes.size()> kNames{"circles", "squares", "triangles", "crosses"};
    return kNames.at(static_cast<std::size_t>(shape));
}

std::string_view colour_name(Colour colour) {
    constexpr std::array<std::string_view, kColours.size()> kNames{"red", "green", "blue", "yellow", "purple"};
    return kNames.at(static_cast<std::size_t>(colour));
}

std::string_view size_name(Size size) { return size == Size::Small ? "small" : "large"; }

std::string_view relation_name(Relation relation) {
    constexpr std::array<std::string_view, kRelations.size()> kNames{"left of", "right of", "above", "below"};
    return kNames.at(static_cast<std::size_t>(relation));
}

std::string label_name(Label label) {
    constexpr std::array<std::string_view, kLabels.size()> kNames{"yes", "no", "maybe"};
    return std::string(kNames.at(static_cast<std::size_t>(label)));
}

std::string_view split_name(Split split) {
    constexpr std::array<std::string_view, 3> kNames{"train", "validation", "test"};
    return kNames.at(static_cast<std::size_t>(split));
}

// ---- scene graph --------------------------------------------------------------------------------

bool relation_holds(const Object& subject, const Object& object, Relation relation, int image_width) {
    const double margin = kRelationMargin * image_width;
    switch (relation) {
    case Relation::LeftOf: return object.x - subject.x > margin;
    case Relation::RightOf: return subject.x - object.x > margin;
    case Relation::Above: return object.y - subject.y > margin;
    case Relation::Below: return subject.y - object.y > margin;
    }
    throw std::logic_error("shapes world: unknown relation");
}

SceneGraph scene_graph(const Scene& scene) {
    SceneGraph graph;
    for (std::size_t i = 0; i < scene.objects.size(); ++i) {
        if (!scene.objects[i].occluded) graph.visible.push_back(i);
    }
    for (const std::size_t a : graph.visible) {
        for (const std::size_t b : graph.visible) {
            if (a == b) continue;
            for (const Relation r : kRelations) {
                if (relation_holds(scene.objects[a], scene.objects[b], r, scene.width)) {
                    graph.relations.push_back({a, b, r});
                }
            }
        }
    }
    return graph;
}

// ---- generation ---------------------------------------------------------------------------------

Scene generate_scene(std::uint64_t seed, int difficulty, int image_size) {
    const Level& level = level_of(difficulty);
    check_image_size(image_size);
    Rng rng(seed);
    const int visible = rng.between(level.min_objects, level.max_objects);
    for (int attempt = 0; attempt < kPlanAttempts; ++attempt) {
        Plan plan;
        for (int i = 0; i < visible; ++i) plan.visible.push_back(random_spec(level, rng));
        plan.cover = wants_cover(CoverRule::Random, level, rng);
        for (int l = 0; l < kLayoutAttempts; ++l) {
            if (auto scene = lay_out(plan, Ref{}, difficulty, image_size, rng)) {
                scene->seed = seed;
                return std::move(*scene);
            }
        }
    }
    throw std::logic_error("shapes world: no layout found for seed " + std::to_string(seed));
}

EntailmentItem entailment_item(Split split, std::uint64_t index, int image_size) {
    check_image_size(image_size);
    EntailmentItem item;
    item.id = make_id(Task::Entailment, split, index);
    const std::uint64_t seed = mix(item.id);
    Rng rng(seed);
    item.difficulty = rng.between(kMinDifficulty, kMaxDifficulty);
    const Level& level = level_of(item.difficulty);
    item.label = rng.pick(kLabels);
    const auto kind = static_cast<Kind>(rng.weighted(level.kind_weights));
    item.kind = std::string(kKindNames.at(static_cast<std::size_t>(kind)));
    const int drawn = rng.between(level.min_objects, level.max_objects);
    const Hypothesis h = draw_hypothesis(kind, level, drawn, rng);
    item.hypothesis = text_of(h);
    const int visible = std::max(drawn, objects_needed(kind, item.label));
    for (int attempt = 0; attempt < kPlanAttempts; ++attempt) {
        const Plan plan = plan_for(h, item.label, visible, level, rng);
        for (int l = 0; l < kLayoutAttempts; ++l) {
            auto scene = lay_out(plan, h.subject, item.difficulty, image_size, rng);
            if (scene && evaluate(h, *scene) == item.label) {
                item.scene = std::move(*scene);
                item.scene.seed = seed;
                return item;
            }
        }
    }
    throw std::logic_error("shapes world: no scene found for " + item_name(item.id));
}

std::optional<EntailmentItem> contrast_item(const EntailmentItem& item) {
    constexpr int kAttempts = 400;
    constexpr std::uint64_t kContrastStream = 0xC0E7A5770ULL;
    const auto kind_at = std::find(kKindNames.begin(), kKindNames.end(), item.kind);
    if (kind_at == kKindNames.end()) throw InputError("shapes world: unknown hypothesis kind '" + item.kind + "'");
    const auto kind = static_cast<Kind>(kind_at - kKindNames.begin());
    const Level& level = level_of(item.difficulty);
    const int visible = static_cast<int>(scene_graph(item.scene).visible.size());
    Rng rng(mix(item.id ^ kContrastStream));
    // One of the two other labels, evenly, so that contrasts keep the labels balanced; the other
    // one where the wanted label cannot be had in this scene (no cover, no "maybe" for existence).
    const Label wanted = kLabels.at((static_cast<std::size_t>(item.label) + 1 + static_cast<std::size_t>(rng.below(2))) %
                                    kLabels.size());
    std::optional<EntailmentItem> fallback;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
        const Hypothesis h = draw_hypothesis(kind, level, std::max(visible, 1), rng);
        const auto label = evaluate(h, item.scene);
        if (!label || *label == item.label) continue;
        EntailmentItem contrast = item;
        contrast.hypothesis = text_of(h);
        contrast.label = *label;
        if (*label == wanted) return contrast;
        if (!fallback) fallback = std::move(contrast);
    }
    return fallback;
}

CaptionItem caption_item(Split split, std::uint64_t index, int image_size) {
    check_image_size(image_size);
    CaptionItem item;
    item.id = make_id(Task::Caption, split, index);
    const std::uint64_t seed = mix(item.id);
    // The difficulty comes from a stream of its own, so it does not correlate with the scene's draws.
    item.difficulty = Rng(mix(seed ^ kDifficultyStream)).between(kMinDifficulty, kMaxDifficulty);
    item.scene = generate_scene(seed, item.difficulty, image_size);
    item.references = captions_of(item.scene);
    return item;
}

namespace {

struct Question {
    std::string text;
    std::string answer;
    std::string kind;
};

// How many of the scene's objects, hidden ones included, a description matches.
[[nodiscard]] std::size_t all_matching(const Scene& scene, const Ref& ref) {
    return static_cast<std::size_t>(
        std::count_if(scene.objects.begin(), scene.objects.end(), [&](const Object& o) { return ref.matches(o); }));
}

// Every question the scene answers unambiguously, in a fixed order.
[[nodiscard]] std::vector<Question> questions_of(const Scene& scene) {
    std::vector<Question> found;
    const bool sizes_named = sizes_vary(level_of(scene.difficulty));
    for (const Object& o : scene.objects) {
        if (o.occluded) continue;
        // The shortest description naming this object alone, without the attribute asked about.
        const auto unique = [&](Ref ref) -> std::optional<Ref> {
            if (all_matching(scene, ref) == 1) return ref;
            if (!sizes_named) return std::nullopt;
            ref.size = o.size;
            if (all_matching(scene, ref) == 1) return ref;
            return std::nullopt;
        };
        if (const auto ref = unique(Ref{o.shape, std::nullopt, std::nullopt})) {
            found.push_back({"what colour is the " + noun_phrase(*ref, /*plural=*/false) + "?",
                             std::string(colour_name(o.colour)), "colour"});
        }
        if (const auto ref = unique(Ref{std::nullopt, o.colour, std::nullopt})) {
            found.push_back({"what shape is the " + noun_phrase(*ref, /*plural=*/false) + "?",
                             std::string(shape_name(o.shape)), "shape"});
        }
        const Ref both{o.shape, o.colour, std::nullopt};
        if (sizes_named && all_matching(scene, both) == 1) {
            found.push_back({"what size is the " + noun_phrase(both, /*plural=*/false) + "?",
                             std::string(size_name(o.size)), "size"});
        }
    }
    // Relations between two objects each named alone by its shortest description (shape, colour,
    // both, then with the size), along each axis where their centres clear the margin.
    const auto unique_ref = [&](const Object& o) -> std::optional<Ref> {
        std::vector<Ref> candidates{{o.shape, std::nullopt, std::nullopt},
                                    {std::nullopt, o.colour, std::nullopt},
                                    {o.shape, o.colour, std::nullopt}};
        if (sizes_named) candidates.push_back({o.shape, o.colour, o.size});
        for (const Ref& ref : candidates) {
            if (all_matching(scene, ref) == 1) return ref;
        }
        return std::nullopt;
    };
    std::vector<std::optional<Ref>> refs;
    for (const Object& o : scene.objects) refs.push_back(o.occluded ? std::nullopt : unique_ref(o));
    for (std::size_t i = 0; i < scene.objects.size(); ++i) {
        for (std::size_t j = 0; j < scene.objects.size(); ++j) {
            if (i == j || !refs[i] || !refs[j]) continue;
            const Object& a = scene.objects[i];
            const Object& b = scene.objects[j];
            const std::string subject = "is the " + noun_phrase(*refs[i], /*plural=*/false);
            const std::string object = " the " + noun_phrase(*refs[j], /*plural=*/false) + "?";
            const auto side = [&](Relation one, Relation other) -> std::optional<Relation> {
                if (relation_holds(a, b, one, scene.width)) return one;
                if (relation_holds(a, b, other, scene.width)) return other;
                return std::nullopt;
            };
            if (const auto r = side(Relation::LeftOf, Relation::RightOf)) {
                found.push_back({subject + " left or right of" + object, *r == Relation::LeftOf ? "left" : "right",
                                 "relation"});
            }
            if (const auto r = side(Relation::Above, Relation::Below)) {
                found.push_back({subject + " above or below" + object, *r == Relation::Above ? "above" : "below",
                                 "relation"});
            }
        }
    }
    if (!scene.cover) {
        const auto count = [&](const Ref& ref) {
            const std::size_t n = visible_matching(scene, ref).size();
            if (n > 0) {
                found.push_back({"how many " + noun_phrase(ref, /*plural=*/true) + " are there?", number_word(n), "count"});
            }
        };
        for (const Colour c : kColours) count(Ref{std::nullopt, c, std::nullopt});
        for (const Shape sh : kShapes) count(Ref{sh, std::nullopt, std::nullopt});
    }
    return found;
}

}  // namespace

QuestionItem question_item(Split split, std::uint64_t index, int image_size, const std::vector<std::string>& kinds) {
    // Relations alone need two uniquely named objects apart along an axis, which a few level-0
    // scenes with one or two objects lack.
    constexpr int kSceneAttempts = 64;
    check_image_size(image_size);
    for (const auto& kind : kinds) {
        if (!is_question_kind(kind)) throw InputError("shapes world: unknown question kind '" + kind + "'");
    }
    const auto wanted = [&kinds](std::string_view kind) {
        return kinds.empty() || std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
    };
    QuestionItem item;
    item.id = make_id(Task::Question, split, index);
    const std::uint64_t seed = mix(item.id);
    Rng rng(seed);
    // Evenly among the levels where a wanted kind can be asked: sizes are named only where they vary.
    std::vector<int> levels;
    for (int d = kMinDifficulty; d <= kMaxDifficulty; ++d) {
        const bool askable = std::any_of(kQuestionKinds.begin(), kQuestionKinds.end(), [&](std::string_view kind) {
            return wanted(kind) && (kind != "size" || sizes_vary(level_of(d)));
        });
        if (askable) levels.push_back(d);
    }
    item.difficulty = levels[static_cast<std::size_t>(rng.below(static_cast<int>(levels.size())))];
    for (int attempt = 0; attempt < kSceneAttempts; ++attempt) {
        // Scenes whose every object shares its description with another may have nothing to ask.
        const std::uint64_t scene_seed = mix(seed + static_cast<std::uint64_t>(attempt));
        Scene scene = generate_scene(scene_seed, item.difficulty, image_size);
        std::vector<Question> questions = questions_of(scene);
        questions.erase(std::remove_if(questions.begin(), questions.end(),
                                       [&](const Question& q) { return !wanted(q.kind); }),
                        questions.end());
        if (questions.empty()) continue;
        // The kind first, so that a scene's many relation pairs do not crowd out the other kinds.
        std::vector<std::string> available;
        for (const auto& q : questions) {
            if (std::find(available.begin(), available.end(), q.kind) == available.end()) available.push_back(q.kind);
        }
        const std::string kind = available[static_cast<std::size_t>(rng.below(static_cast<int>(available.size())))];
        questions.erase(std::remove_if(questions.begin(), questions.end(),
                                       [&](const Question& q) { return q.kind != kind; }),
                        questions.end());
        const auto& q = questions[static_cast<std::size_t>(rng.below(static_cast<int>(questions.size())))];
        item.scene = std::move(scene);
        item.question = q.text;
        item.answer = q.answer;
        item.kind = q.kind;
        return item;
    }
    throw std::logic_error("shapes world: no question found for " + item_name(item.id));
}

std::vector<EntailmentItem> entailment_items(Split split, std::size_t count, int image_size) {
    std::vector<EntailmentItem> items;
    items.reserve(count);
    for (std::size_t i = 0; i < count; ++i) items.push_back(entailment_item(split, i, image_size));
    return items;
}

std::vector<QuestionItem> question_items(Split split, std::size_t count, int image_size) {
    std::vector<QuestionItem> items;
    items.reserve(count);
    for (std::size_t i = 0; i < count; ++i) items.push_back(question_item(split, i, image_size));
    return items;
}

std::vector<CaptionItem> caption_items(Split split, std::size_t count, int image_size) {
    std::vector<CaptionItem> items;
    items.reserve(count);
    for (std::size_t i = 0; i < count; ++i) items.push_back(caption_item(split, i, image_size));
    return items;
}

std::string item_name(std::uint64_t id) {
    const std::uint64_t task = id >> kTaskShift;
    const std::uint64_t split = (id >> kSplitShift) & kFieldMask;
    if (task < static_cast<std::uint64_t>(Task::Entailment) || task > static_cast<std::uint64_t>(Task::Question) ||
        split > static_cast<std::uint64_t>(Split::Test)) {
        throw InputError("shapes world: " + std::to_string(id) + " is not an item id");
    }
    constexpr int kIndexDigits = 6;
    std::ostringstream name;
    constexpr std::array<std::string_view, 3> kPrefixes{"ve", "cap", "qa"};
    name << kPrefixes.at(task - static_cast<std::uint64_t>(Task::Entailment)) << '-'
         << split_name(static_cast<Split>(split)) << '-' << std::setw(kIndexDigits) << std::setfill('0')
         << (id & (kMaxItemIndex - 1));
    return name.str();
}

std::vector<std::string> vocabulary_words() {
    std::set<std::string> words{"a",      "there", "is",     "are",    "the",  "shape", "shapes", "with",
                                "and",    "including", "among", "single", "what", "colour", "size", "how",
                                "many", "or"};
    for (const auto w : kNumberWords) words.emplace(w);
    for (const Shape s : kShapes) {
        words.emplace(shape_name(s));
        words.emplace(shape_plural(s));
    }
    for (const Colour c : kColours) words.emplace(colour_name(c));
    for (const Size z : kSizes) words.emplace(size_name(z));
    for (const Relation r : kRelations) {
        std::istringstream parts{std::string(relation_name(r))};
        for (std::string w; parts >> w;) words.insert(w);
    }
    for (const Label l : kLabels) words.insert(label_name(l));
    return {words.begin(), words.end()};
}

// ---- rendering ----------------------------------------------------------------------------------

RgbImage render(const Scene& scene) {
    check_image_size(scene.width);
    check_image_size(scene.height);
    const Level& level = level_of(scene.difficulty);
    Rng rng(mix(scene.seed ^ kRenderStream));
    const auto& bg = scene.background;
    cv::Mat canvas(scene.height, scene.width, CV_8UC3, cv::Scalar(bg[0], bg[1], bg[2]));
    if (level.gradient > 0) {
        const double ramp = rng.chance(0.5) ? level.gradient : -level.gradient;
        for (int y = 0; y < canvas.rows; ++y) {
            const double shift = ramp * (static_cast<double>(y) / (canvas.rows - 1) - 0.5);
            canvas.row(y) += cv::Scalar::all(shift);  // saturating for 8-bit data
        }
    }
    // Clutter goes under the objects: it distracts without changing what an object looks like.
    const double w = scene.width;
    const double h = scene.height;
    for (int i = 0; i < level.clutter_lines; ++i) {
        const int grey = rng.between(kMinClutterGrey, kMaxClutterGrey);
        const cv::Point from = fixed_point(rng.uniform(0, w), rng.uniform(0, h));
        const cv::Point to = fixed_point(rng.uniform(0, w), rng.uniform(0, h));
        cv::line(canvas, from, to, cv::Scalar::all(grey), /*thickness=*/1, cv::LINE_AA, kShiftBits);
    }
    const int dot_radius = static_cast<int>(std::lround(std::max(1.0, kDotRadius * w) * kSubpixel));
    for (int i = 0; i < level.clutter_dots; ++i) {
        const int grey = rng.between(kMinClutterGrey, kMaxClutterGrey);
        cv::circle(canvas, fixed_point(rng.uniform(0, w), rng.uniform(0, h)), dot_radius, cv::Scalar::all(grey),
                   cv::FILLED, cv::LINE_AA, kShiftBits);
    }
    for (const bool hidden : {true, false}) {
        for (const Object& o : scene.objects) {
            if (o.occluded == hidden) draw_object(canvas, o, cv::Scalar(o.rgb[0], o.rgb[1], o.rgb[2]), cv::LINE_AA);
        }
    }
    if (scene.cover) draw_cover(canvas, *scene.cover);
    RgbImage image;
    image.width = scene.width;
    image.height = scene.height;
    image.rgb.reserve(static_cast<std::size_t>(canvas.total()) * canvas.elemSize());
    for (int y = 0; y < canvas.rows; ++y) {
        const std::uint8_t* row = canvas.ptr<std::uint8_t>(y);
        for (int i = 0; i < canvas.cols * canvas.channels(); ++i) {
            image.rgb.push_back(level.noise_sigma > 0 ? clamp_byte(row[i] + level.noise_sigma * rng.normal()) : row[i]);
        }
    }
    return image;
}

// ---- per-patch classes --------------------------------------------------------------------------

int patch_class_of(Colour colour, Shape shape) {
    return kPatchFirstObject + static_cast<int>(colour) * static_cast<int>(kShapes.size()) + static_cast<int>(shape);
}

std::vector<std::uint8_t> patch_classes(const Scene& scene, int grid) {
    check_image_size(scene.width);
    check_image_size(scene.height);
    if (grid < 1 || grid > scene.width || grid > scene.height) {
        throw InputError("patch grid must lie in [1, image side] (got " + std::to_string(grid) + ")");
    }
    // Object i is painted as i + 1 in drawing order, so what lies on top wins as in render().
    constexpr std::uint8_t kCoverId = 255;
    if (scene.objects.size() >= kCoverId) {
        throw InputError("patch classes: a scene has at most " + std::to_string(kCoverId - 1) + " objects (got " +
                         std::to_string(scene.objects.size()) + ")");
    }
    cv::Mat ids(scene.height, scene.width, CV_8UC1, cv::Scalar::all(0));
    for (const bool hidden : {true, false}) {
        for (std::size_t i = 0; i < scene.objects.size(); ++i) {
            if (scene.objects[i].occluded == hidden) {
                draw_object(ids, scene.objects[i], cv::Scalar::all(static_cast<double>(i + 1)), cv::LINE_8);
            }
        }
    }
    if (scene.cover) ids(cover_area(*scene.cover, ids)).setTo(cv::Scalar::all(kCoverId));

    std::vector<std::uint8_t> classes;
    classes.reserve(static_cast<std::size_t>(grid) * static_cast<std::size_t>(grid));
    std::vector<int> count(256);
    for (int gy = 0; gy < grid; ++gy) {
        for (int gx = 0; gx < grid; ++gx) {
            const cv::Rect cell(gx * scene.width / grid, gy * scene.height / grid,
                                (gx + 1) * scene.width / grid - gx * scene.width / grid,
                                (gy + 1) * scene.height / grid - gy * scene.height / grid);
            std::fill(count.begin(), count.end(), 0);
            for (int y = cell.y; y < cell.y + cell.height; ++y) {
                const std::uint8_t* row = ids.ptr<std::uint8_t>(y);
                for (int x = cell.x; x < cell.x + cell.width; ++x) ++count[row[x]];
            }
            const auto object = std::max_element(count.begin() + 1, count.begin() + kCoverId);
            const double pixels = static_cast<double>(cell.area());
            if (*object >= kPatchObjectShare * pixels) {
                const Object& o = scene.objects[static_cast<std::size_t>(object - count.begin() - 1)];
                classes.push_back(static_cast<std::uint8_t>(patch_class_of(o.colour, o.shape)));
            } else if (count[kCoverId] >= pixels / 2) {
                classes.push_back(static_cast<std::uint8_t>(kPatchCover));
            } else {
                classes.push_back(static_cast<std::uint8_t>(kPatchBackground));
            }
        }
    }
    return classes;
}

// ---- export -------------------------------------------------------------------------------------

namespace {

void make_folder(const std::filesystem::path& folder) {
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error) throw InputError(folder.string() + ": cannot create the folder: " + error.message());
}

void write_png(const std::filesystem::path& path, const RgbImage& image) {
    cv::Mat bgr(image.height, image.width, CV_8UC3);
    for (int y = 0; y < image.height; ++y) {
        auto* row = bgr.ptr<std::uint8_t>(y);
        for (int x = 0; x < image.width; ++x) {
            const std::size_t at = (static_cast<std::size_t>(y) * static_cast<std::size_t>(image.width) +
                                    static_cast<std::size_t>(x)) * 3;
            row[3 * x] = image.rgb[at + 2];  // OpenCV writes BGR
            row[3 * x + 1] = image.rgb[at + 1];
            row[3 * x + 2] = image.rgb[at];
        }
    }
    bool written = false;
    try {
        written = cv::imwrite(path.string(), bgr);
    } catch (const cv::Exception& e) {
        throw InputError(path.string() + ": cannot write the image: " + e.what());
    }
    if (!written) throw InputError(path.string() + ": cannot write the image");
}

// Writes each item's image and one TSV line per item, `line(item)` giving the text after the name.
template <typename Item, typename Line>
void export_items(const std::filesystem::path& folder, const std::vector<Item>& items, const Line& line) {
    make_folder(folder);
    const std::filesystem::path tsv = folder / "data.tsv";
    std::ofstream out(tsv, std::ios::binary);
    if (!out) throw InputError(tsv.string() + ": cannot open for writing");
    for (const Item& item : items) {
        const std::string image = item_name(item.id) + ".png";
        write_png(folder / image, render(item.scene));
        out << image << '\t' << line(item) << '\n';
    }
    out.close();
    if (!out) throw InputError(tsv.string() + ": cannot write");
}

}  // namespace

void export_entailment(const std::filesystem::path& folder, const std::vector<EntailmentItem>& items) {
    export_items(folder, items,
                 [](const EntailmentItem& item) { return item.hypothesis + '\t' + label_name(item.label); });
}

void export_captions(const std::filesystem::path& folder, const std::vector<CaptionItem>& items) {
    export_items(folder, items, [](const CaptionItem& item) {
        std::string joined;
        for (const std::string& reference : item.references) joined += (joined.empty() ? "" : "|") + reference;
        return joined;
    });
}

void export_questions(const std::filesystem::path& folder, const std::vector<QuestionItem>& items) {
    export_items(folder, items, [](const QuestionItem& item) { return item.question + '\t' + item.answer; });
}

}  // namespace mue::shapes
