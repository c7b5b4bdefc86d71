#pragma once
// A run's output: the prediction, then each decoder step as a rounded chip whose fill encodes the
// layer it exited at (light = early, the decoder colour = the last layer), with a legend. For
// entailment, the one scoring step's chip and a probability bar per answer. Hovering a chip shows
// its step, exit layer, threshold and, for lens traces, the head's top 3 at every layer; clicking
// it emits tokenClicked. GUI thread only.
//
// The height depends on the width (chips wrap): put the view in a layout or a QScrollArea with
// widgetResizable set.

#include "mue_widgets/palette.hpp"

#include <mue/trace.hpp>

#include <QString>
#include <QWidget>

#include <utility>
#include <vector>

namespace mue::widgets {

class TokenOutputView : public QWidget {
    Q_OBJECT

public:
    explicit TokenOutputView(QWidget* parent = nullptr);

    // `answerProbabilities` (answer text, probability) is empty for captions and prompts.
    void setResult(const mue::RunTrace& trace, const QString& prediction,
                   const std::vector<std::pair<QString, float>>& answerProbabilities);
    void clear();

    // The outlined chip, e.g. the token whose curve the plot shows; -1 for none.
    void setSelectedToken(int index);
    [[nodiscard]] int selectedToken() const { return selected_; }

    [[nodiscard]] int tokenCount() const { return static_cast<int>(tokens_.size()); }
    // Rich text of a chip's tooltip; empty for an index out of range.
    [[nodiscard]] QString toolTipForToken(int index) const;
    // A chip's rectangle in widget coordinates at the current width; null out of range.
    [[nodiscard]] QRect chipRect(int index) const;
    [[nodiscard]] QColor chipColor(int index) const;
    // The index of the chip under a point, or -1.
    [[nodiscard]] int tokenAt(const QPoint& pos) const;
    // The text a chip shows: the token without its leading space (byte-level BPE's word marker).
    [[nodiscard]] static QString displayText(const std::string& token);
    // The ramp: exit layer 1 of `layers` is the lightest, layer `layers` the decoder colour.
    [[nodiscard]] static QColor exitLayerColor(int layer, int layers);

    // Where an answer's bar is drawn (entailment), and which answer is shown as predicted.
    [[nodiscard]] QRect answerBarRect(int index) const;
    [[nodiscard]] int predictedAnswer() const { return predicted_; }

    [[nodiscard]] bool hasHeightForWidth() const override { return true; }
    [[nodiscard]] int heightForWidth(int width) const override;
    [[nodiscard]] QSize sizeHint() const override;
    [[nodiscard]] QSize minimumSizeHint() const override;

Q_SIGNALS:
    void tokenClicked(int index);

protected:
    bool event(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    struct Geometry {
        QRect title;
        std::vector<QRect> chips;
        std::vector<QRect> answerRows;  // one per answer: label, bar and percentage
        QRect legend;
        int height = 0;
    };
    [[nodiscard]] Geometry layoutFor(int width) const;
    void relayout();
    [[nodiscard]] QString thresholdText(const mue::DecoderTokenTrace& token) const;
    [[nodiscard]] QRect barArea(const QRect& row) const;
    void paintLegend(QPainter& painter) const;

    std::vector<mue::DecoderTokenTrace> tokens_;
    mue::ExitPolicy policy_ = mue::ExitPolicy::Full;
    int layers_ = 0;
    QString prediction_;
    std::vector<std::pair<QString, float>> answers_;
    int predicted_ = -1;
    int selected_ = -1;
    Geometry geometry_;
    Palette palette_;
};

}  // namespace mue::widgets
