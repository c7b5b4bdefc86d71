#pragma once
// What a run saved: the expected reduction in layers (the paper's mean definition and the
// token-weighted one), the analytic FLOP reduction and, when the full model was run for
// comparison, the measured wall-time reduction, each as a percentage and a bar; plus how many
// layers each stream ran. GUI thread only.

#include <mue/trace.hpp>

#include <QString>
#include <QWidget>

#include <array>
#include <optional>

class QLabel;

namespace mue::widgets {

class ReductionBar;

class SavingsPanel : public QWidget {
    Q_OBJECT

public:
    enum class Measure { ExpectedMean, ExpectedTokenWeighted, Flops, WallTime };
    static constexpr int kMeasureCount = 4;

    explicit SavingsPanel(QWidget* parent = nullptr);

    // `trace` gives the layer counts; the measured reduction shows "measuring…" while the trace
    // asked for a comparison run (settings.compare_full) that has not reported yet, "—" otherwise.
    void setSavings(const mue::Savings& savings, const mue::RunTrace& trace);
    void clear();

    // Every figure as plain text, one per line, e.g. for a copy button and for tests.
    [[nodiscard]] QString summaryText() const;
    // "image 3/6 · text 2/6 · decoder mean 4.2/6"
    [[nodiscard]] QString layersText() const;
    [[nodiscard]] QString valueText(Measure measure) const;
    // The reduction a bar shows, in [0, 1]; none when it shows no value.
    [[nodiscard]] std::optional<double> barValue(Measure measure) const;
    [[nodiscard]] QString measureName(Measure measure) const;
    [[nodiscard]] QString measureToolTip(Measure measure) const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyMutedPalette();
    struct Row {
        QLabel* name = nullptr;
        QLabel* value = nullptr;
        ReductionBar* bar = nullptr;
        QLabel* detail = nullptr;
    };
    void setRow(Measure measure, std::optional<double> reduction, const QString& placeholder, const QString& detail);

    std::array<Row, kMeasureCount> rows_{};
    QLabel* layers_ = nullptr;
};

}  // namespace mue::widgets
