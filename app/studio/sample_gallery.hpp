#pragma once
// Built-in inputs: scenes of the shapes world's test split at each difficulty (rendered at the
// model's image size, exactly as the benchmark sees them, with their hypothesis and label or
// reference captions), and the sample images shipped with the app.
//
// Threading: any thread (pure functions).

#include <mue/engine.hpp>

#include <QString>
#include <QStringList>

#include <vector>

namespace mue::studio {

struct Sample {
    QString name;         // e.g. "Entailment, difficulty 3 (ve-test-000012)"
    mue::Task task = mue::Task::Caption;
    QString text;         // the hypothesis for entailment
    QString expected;     // the label, or the reference captions joined by " | "
    int difficulty = 0;
    mue::RgbImage image;  // empty for files
    QString path;         // set for files
};

// One entailment and one caption scene per difficulty level, easiest first.
[[nodiscard]] std::vector<Sample> shapesSamples(int imageSize);
// The image files in `folder` (PNG, JPEG), sorted by name.
[[nodiscard]] std::vector<Sample> fileSamples(const QString& folder);

}  // namespace mue::studio
