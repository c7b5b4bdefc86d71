#include "sample_gallery.hpp"

#include <mue/shapes_world.hpp>

#include <QCoreApplication>
#include <QDir>

namespace mue::studio {
namespace {

// Test items searched for each difficulty; every level occurs within the first few dozen.
constexpr std::uint64_t kSearchLimit = 400;

struct Text {
    Q_DECLARE_TR_FUNCTIONS(SampleGallery)
};

}  // namespace

std::vector<Sample> shapesSamples(int imageSize) {
    using namespace mue::shapes;
    std::vector<Sample> samples;
    for (int difficulty = kMinDifficulty; difficulty <= kMaxDifficulty; ++difficulty) {
        for (std::uint64_t i = 0; i < kSearchLimit; ++i) {
            auto item = entailment_item(Split::Test, i, imageSize);
            if (item.difficulty != difficulty) continue;
            Sample s;
            s.name = Text::tr("Entailment, difficulty %1 (%2)")
                         .arg(difficulty)
                         .arg(QString::fromStdString(item_name(item.id)));
            s.task = mue::Task::Entailment;
            s.text = QString::fromStdString(item.hypothesis);
            s.expected = QString::fromStdString(label_name(item.label));
            s.difficulty = difficulty;
            s.image = render(item.scene);
            samples.push_back(std::move(s));
            break;
        }
        for (std::uint64_t i = 0; i < kSearchLimit; ++i) {
            auto item = caption_item(Split::Test, i, imageSize);
            if (item.difficulty != difficulty) continue;
            Sample s;
            s.name = Text::tr("Caption, difficulty %1 (%2)")
                         .arg(difficulty)
                         .arg(QString::fromStdString(item_name(item.id)));
            s.task = mue::Task::Caption;
            QStringList references;
            for (const auto& r : item.references) references << QString::fromStdString(r);
            s.expected = references.join(QStringLiteral(" | "));
            s.difficulty = difficulty;
            s.image = render(item.scene);
            samples.push_back(std::move(s));
            break;
        }
    }
    return samples;
}

std::vector<Sample> fileSamples(const QString& folder) {
    std::vector<Sample> samples;
    const QDir dir(folder);
    const QStringList files = dir.entryList({QStringLiteral("*.png"), QStringLiteral("*.jpg"), QStringLiteral("*.jpeg")},
                                            QDir::Files, QDir::Name);
    for (const QString& file : files) {
        Sample s;
        s.name = file;
        s.path = dir.filePath(file);
        samples.push_back(std::move(s));
    }
    return samples;
}

}  // namespace mue::studio
