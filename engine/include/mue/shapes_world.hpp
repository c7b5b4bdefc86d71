#pragma once
// Shapes world: a synthetic, seeded benchmark for visual entailment and captioning whose
// difficulty varies on purpose, so that early exits can be compared on easy and hard inputs.
// docs/shapes-world.md describes the world, the label construction and the splits.
// Apart from the exports, pure functions of their arguments: deterministic, safe from any thread.

#include "mue/image.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mue::shapes {

enum class Shape : std::uint8_t { Circle, Square, Triangle, Cross };
enum class Colour : std::uint8_t { Red, Green, Blue, Yellow, Purple };
enum class Size : std::uint8_t { Small, Large };
// Image coordinates: "above" means a smaller y.
enum class Relation : std::uint8_t { LeftOf, RightOf, Above, Below };
enum class Label : std::uint8_t { Yes, No, Maybe };
enum class Split : std::uint8_t { Train, Validation, Test };

inline constexpr std::array<Shape, 4> kShapes{Shape::Circle, Shape::Square, Shape::Triangle, Shape::Cross};
inline constexpr std::array<Colour, 5> kColours{Colour::Red, Colour::Green, Colour::Blue, Colour::Yellow,
                                                Colour::Purple};
inline constexpr std::array<Size, 2> kSizes{Size::Small, Size::Large};
inline constexpr std::array<Relation, 4> kRelations{Relation::LeftOf, Relation::RightOf, Relation::Above,
                                                    Relation::Below};
inline constexpr std::array<Label, 3> kLabels{Label::Yes, Label::No, Label::Maybe};

inline constexpr int kMinDifficulty = 0;
inline constexpr int kMaxDifficulty = 4;
inline constexpr int kMinImageSize = 32;
inline constexpr int kMaxImageSize = 1024;

// Geometry, as fractions of the image side. An object's extent is its nominal radius (the circle's
// radius; the other shapes are scaled to a similar area); every shape lies within
// kShapeBound * extent of its centre, and objects keep kObjectGap apart between those bounds.
inline constexpr float kSmallExtent = 0.085F;
inline constexpr float kLargeExtent = 0.15F;
inline constexpr float kExtentJitter = 0.06F;  // relative; the two sizes never come near each other
inline constexpr float kShapeBound = 1.15F;
inline constexpr float kObjectGap = 0.03F;
// A relation holds when the centres differ by more than this along its axis. Stated relations
// always clear the margin for every pair of referents, so none is borderline.
inline constexpr float kRelationMargin = 0.08F;
// The cover (a hatched grey panel) is always large enough to hide a large object.
inline constexpr float kMinCoverSide = 0.38F;
inline constexpr float kMaxCoverSide = 0.46F;

// Default evaluation split sizes, per task. Train is indexed lazily and has no fixed size.
inline constexpr std::size_t kValidationItems = 1000;
inline constexpr std::size_t kTestItems = 2000;
// Item indices must stay below this (the id packs task and split above the index).
inline constexpr std::uint64_t kMaxItemIndex = std::uint64_t{1} << 56;

struct Object {
    Shape shape = Shape::Circle;
    Colour colour = Colour::Red;
    Size size = Size::Large;
    std::array<std::uint8_t, 3> rgb{};  // this object's shade of its named colour
    float x = 0;                        // centre, in pixels
    float y = 0;
    float extent = 0;  // nominal radius, in pixels
    float angle_deg = 0;
    // Wholly hidden under the cover: in the scene but not in the image, never described by text.
    bool occluded = false;
};

// An opaque hatched panel drawn over the objects, in pixels (x0 < x1, y0 < y1).
struct Cover {
    float x0 = 0;
    float y0 = 0;
    float x1 = 0;
    float y1 = 0;
};

struct Scene {
    int width = 0;
    int height = 0;
    std::array<std::uint8_t, 3> background{};
    std::vector<Object> objects;
    std::optional<Cover> cover;
    int difficulty = 0;      // kMinDifficulty..kMaxDifficulty
    std::uint64_t seed = 0;  // also seeds the clutter and noise that render() draws
};

struct RelationEdge {
    std::size_t subject = 0;  // indices into Scene::objects
    std::size_t object = 0;
    Relation relation = Relation::LeftOf;
};

// What the text may talk about: the visible objects and every relation that clears the margin.
struct SceneGraph {
    std::vector<std::size_t> visible;  // indices into Scene::objects, in object order
    std::vector<RelationEdge> relations;
};

[[nodiscard]] std::string_view shape_name(Shape shape);
[[nodiscard]] std::string_view shape_plural(Shape shape);
[[nodiscard]] std::string_view colour_name(Colour colour);
[[nodiscard]] std::string_view size_name(Size size);
[[nodiscard]] std::string_view relation_name(Relation relation);  // "left of", "above", ...
[[nodiscard]] std::string label_name(Label label);                 // "yes", "no", "maybe"
[[nodiscard]] std::string_view split_name(Split split);            // "train", "validation", "test"

// True when `relation` clearly holds from `subject` to `object` in an image `image_width` wide.
[[nodiscard]] bool relation_holds(const Object& subject, const Object& object, Relation relation,
                                  int image_width);
[[nodiscard]] SceneGraph scene_graph(const Scene& scene);

// A random scene of the given difficulty (0 = one or two large objects on a plain background,
// 4 = five or six mostly small objects, clutter, noise, shade variation and often a cover).
// Throws InputError for a difficulty or image size outside the documented ranges.
[[nodiscard]] Scene generate_scene(std::uint64_t seed, int difficulty, int image_size);

// Antialiased OpenCV drawing: background tint, clutter, objects, cover, Gaussian noise.
[[nodiscard]] RgbImage render(const Scene& scene);

// A training aid: what each cell of a grid x grid partition of the image mainly shows, row-major,
// for a per-patch loss on the image stream. A cell shows an object when at least
// kPatchObjectShare of its pixels are that object's (the object with the most wins; what is drawn
// on top counts), else the cover when at least half its pixels are cover, else the background
// (clutter included). Objects are told apart by colour and shape: patch_class_of().
inline constexpr int kPatchBackground = 0;
inline constexpr int kPatchCover = 1;
inline constexpr int kPatchFirstObject = 2;
inline constexpr int kPatchClasses = kPatchFirstObject + static_cast<int>(kColours.size() * kShapes.size());
inline constexpr double kPatchObjectShare = 0.15;
[[nodiscard]] int patch_class_of(Colour colour, Shape shape);
// Throws InputError for a grid outside [1, image side] or a bad image size.
[[nodiscard]] std::vector<std::uint8_t> patch_classes(const Scene& scene, int grid);

struct EntailmentItem {
    Scene scene;
    std::string hypothesis;
    Label label = Label::Yes;
    std::string kind;  // "existence", "attribute", "count" or "relation"
    int difficulty = 0;
    std::uint64_t id = 0;
};

struct CaptionItem {
    Scene scene;
    std::vector<std::string> references;  // [0] is the canonical caption
    int difficulty = 0;
    std::uint64_t id = 0;
};

// A training aid beyond the two benchmark tasks: a question about one scene whose answer is one
// word read off the image once the question's referent is found ("what colour is the cross?" ->
// "green"). Kinds: "colour" and "size" of the one object a description names, "shape" of the one
// object of a colour (with a size where needed), "count" of the visible objects of a colour or
// shape in scenes without a cover, and "relation": on which side of one object another lies ("is the
// red circle left or right of the square?" -> "left"), asked only along an axis where their centres
// differ by more than kRelationMargin. Every referent is unique among all the scene's objects, hidden
// ones included, and never hidden itself, so every answer is decidable from the image.
inline constexpr std::array<std::string_view, 5> kQuestionKinds{"colour", "shape", "size", "count", "relation"};
[[nodiscard]] inline bool is_question_kind(std::string_view kind) {
    return std::find(kQuestionKinds.begin(), kQuestionKinds.end(), kind) != kQuestionKinds.end();
}
struct QuestionItem {
    Scene scene;
    std::string question;  // e.g. "what colour is the large cross?"
    std::string answer;    // one word: a colour, shape, size or number word, or left / right / above / below
    std::string kind;      // one of kQuestionKinds
    int difficulty = 0;
    std::uint64_t id = 0;
};

// Item `index` of a split, reproducible on its own: its seed depends only on task, split and index,
// and no two (task, split, index) share a seed. Throws InputError for index >= kMaxItemIndex or a
// bad image size.
[[nodiscard]] EntailmentItem entailment_item(Split split, std::uint64_t index, int image_size);
[[nodiscard]] CaptionItem caption_item(Split split, std::uint64_t index, int image_size);
// A question's kind is drawn evenly among the kinds the scene can be asked about, then a question of
// that kind; `kinds` (none: all) restricts both. Throws InputError for a name not in kQuestionKinds.
[[nodiscard]] QuestionItem question_item(Split split, std::uint64_t index, int image_size,
                                         const std::vector<std::string>& kinds = {});
// A training aid: another hypothesis of the same kind about the same scene, with another label
// (either other label equally often where the scene allows both), so that a training pair differs
// only in its text. Nothing when 400 random hypotheses found no other well-posed label.
[[nodiscard]] std::optional<EntailmentItem> contrast_item(const EntailmentItem& item);
// Items 0 .. count-1 of a split.
[[nodiscard]] std::vector<EntailmentItem> entailment_items(Split split, std::size_t count, int image_size);
[[nodiscard]] std::vector<CaptionItem> caption_items(Split split, std::size_t count, int image_size);
[[nodiscard]] std::vector<QuestionItem> question_items(Split split, std::size_t count, int image_size);

// A file-name-safe name for an item id: "ve-train-000042", "cap-test-001999", "qa-train-000007".
[[nodiscard]] std::string item_name(std::uint64_t id);

// Every word a hypothesis, a caption or a question can contain, plus the answers yes / no / maybe;
// sorted.
[[nodiscard]] std::vector<std::string> vocabulary_words();

// Write <folder>/<item_name>.png for each item and <folder>/data.tsv, one line per item, no header:
// "image<TAB>hypothesis<TAB>label" or "image<TAB>ref1|ref2|...". Creates the folder if needed.
// Throws InputError naming the path that could not be written.
void export_entailment(const std::filesystem::path& folder, const std::vector<EntailmentItem>& items);
void export_captions(const std::filesystem::path& folder, const std::vector<CaptionItem>& items);
// "image<TAB>question<TAB>answer": for inspection and scripts; no --dataset reads it.
void export_questions(const std::filesystem::path& folder, const std::vector<QuestionItem>& items);

}  // namespace mue::shapes
