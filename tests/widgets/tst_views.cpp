// The similarity plot and the exit diagram on hand-made traces: no engine, no torch.
// With MUE_WIDGETS_SCREENSHOT_DIR set, render() also writes the documentation screenshots there.

#include <mue_widgets/exit_diagram.hpp>
#include <mue_widgets/exit_lanes.hpp>
#include <mue_widgets/similarity_plot.hpp>

#include <mue_widgets/qcustomplot.hpp>

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using mue::widgets::CellState;
using mue::widgets::ExitDiagram;
using mue::widgets::Lane;
using mue::widgets::SimilarityPlot;
using mue::widgets::Stream;

namespace {

constexpr int kLayers = 8;
constexpr double kImageThreshold = 0.99;
constexpr double kTextThreshold = 0.995;
constexpr int kImageExit = 5;
constexpr int kTextExit = 7;
const QSize kWidgetSize(820, 520);

// 1 - cos shrinking by `rate` per layer from `first`: how a stream settles.
std::vector<float> settling(double first, double rate, int layers)
{
    std::vector<float> similarity;
    double gap = first;
    for (int i = 0; i < layers; ++i, gap *= rate)
        similarity.push_back(static_cast<float>(1.0 - gap));
    return similarity;
}

int firstAbove(const std::vector<float>& similarity, double threshold)
{
    for (std::size_t i = 0; i < similarity.size(); ++i) {
        if (similarity[i] > threshold)
            return static_cast<int>(i) + 1;
    }
    return static_cast<int>(similarity.size());
}

// A what-if trace of a shapes caption: every layer recorded, exits where MuE would take them.
mue::RunTrace captionTrace(bool whatIf)
{
    mue::RunTrace trace;
    trace.model_id = "shapes-128";
    trace.settings.policy = mue::ExitPolicy::Mue;
    trace.settings.image_threshold = kImageThreshold;
    trace.settings.text_threshold = kTextThreshold;
    trace.settings.what_if = whatIf;

    auto stream = [whatIf](double first, double rate, int tokens, int exit) {
        mue::StreamTrace s;
        s.tokens = tokens;
        s.layers = kLayers;
        s.similarity = settling(first, rate, kLayers);
        s.exit_layer = exit;
        s.exited = true;
        if (!whatIf)
            s.similarity.resize(static_cast<std::size_t>(exit));
        return s;
    };
    trace.image = stream(0.4, 0.3, 64, kImageExit);
    trace.text = stream(0.5, 0.4, 9, kTextExit);

    trace.decoder_layers = kLayers;
    const char* words[] = {"a", " red", " circle", " left", " of", " a", " blue", " square", "</s>"};
    const double rates[] = {0.5, 0.3, 0.35, 0.25, 0.2, 0.2, 0.3, 0.35, 0.15};
    int step = 1;
    for (const char* word : words) {
        mue::DecoderTokenTrace token;
        token.id = 100 + step;
        token.text = word;
        token.step = step;
        // Theta(t) = beta * theta + (1 - beta) * exp(-tau * t / N) with theta 0.99, beta 0.9, N 16.
        token.threshold = static_cast<float>(0.9 * 0.99 + 0.1 * std::exp(-step / 16.0));
        token.similarity = settling(0.3, rates[step - 1], kLayers);
        token.exit_layer = firstAbove(token.similarity, token.threshold);
        token.exited = token.exit_layer < kLayers;
        if (!whatIf)
            token.similarity.resize(static_cast<std::size_t>(token.exit_layer));
        trace.decoder_tokens.push_back(token);
        ++step;
    }
    return trace;
}

mue::RunTrace jointTrace()
{
    mue::RunTrace trace = captionTrace(/*whatIf=*/false);
    trace.settings.policy = mue::ExitPolicy::Joint;
    trace.joint_encoder = true;
    trace.text = trace.image;
    return trace;
}

QString screenshotDir() { return qEnvironmentVariable("MUE_WIDGETS_SCREENSHOT_DIR"); }

}  // namespace

class TestViews : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void plotGraphsFollowTrace();
    void plotClampsDistances();
    void thresholdLinesAtOneMinusThreshold();
    void selectingTokenSwitchesDecoder();
    void draggingThresholdLineEmits();
    void pressAwayFromLinesDoesNothing();
    void lanesCountRunAndSkippedLayers();
    void whatIfLanesMarkWouldSkip();
    void diagramTooltipNamesLayer();
    void longDecoderGrowsDiagram();
    void emptyTraces();
    void jointTraces();
    void render();
};

void TestViews::plotGraphsFollowTrace()
{
    SimilarityPlot plot;
    const mue::RunTrace trace = captionTrace(/*whatIf=*/true);
    plot.setTrace(trace);
    // The hand-set exits are where the thresholds put them.
    QCOMPARE(firstAbove(trace.image.similarity, kImageThreshold), kImageExit);
    QCOMPARE(firstAbove(trace.text.similarity, kTextThreshold), kTextExit);
    QCOMPARE(plot.similarityGraph(Stream::Image)->dataCount(), kLayers);
    QCOMPARE(plot.similarityGraph(Stream::Text)->dataCount(), kLayers);
    QCOMPARE(plot.similarityGraph(Stream::Decoder)->dataCount(), kLayers);
    for (int i = 0; i < kLayers; ++i) {
        const auto point = plot.similarityGraph(Stream::Image)->data()->at(i);
        QCOMPARE(point->key, i + 1.0);
        QCOMPARE(point->value, 1.0 - static_cast<double>(trace.image.similarity[static_cast<std::size_t>(i)]));
    }
    QCOMPARE(plot.exitMarker(Stream::Image)->dataCount(), 1);
    QCOMPARE(plot.exitMarker(Stream::Image)->data()->at(0)->key, double(kImageExit));
    QCOMPARE(plot.exitMarker(Stream::Text)->data()->at(0)->key, double(kTextExit));
    QVERIFY(plot.customPlot()->yAxis->label().contains(QStringLiteral("1 - cos")));
    QCOMPARE(plot.customPlot()->yAxis->scaleType(), QCPAxis::stLogarithmic);

    plot.setTrace(captionTrace(/*whatIf=*/false));
    QCOMPARE(plot.similarityGraph(Stream::Image)->dataCount(), kImageExit);
}

void TestViews::plotClampsDistances()
{
    mue::RunTrace trace = captionTrace(/*whatIf=*/true);
    trace.image.similarity[3] = 1.0F;
    trace.image.similarity[4] = -1.0F;
    SimilarityPlot plot;
    plot.setTrace(trace);
    QCOMPARE(plot.similarityGraph(Stream::Image)->data()->at(3)->value, SimilarityPlot::kMinDistance);
    QCOMPARE(plot.similarityGraph(Stream::Image)->data()->at(4)->value, 2.0);
    QCOMPARE(SimilarityPlot::distance(0.999), 1.0 - 0.999);
    QCOMPARE(SimilarityPlot::distance(1.5), SimilarityPlot::kMinDistance);
}

void TestViews::thresholdLinesAtOneMinusThreshold()
{
    SimilarityPlot plot;
    const mue::RunTrace trace = captionTrace(/*whatIf=*/true);
    plot.setTrace(trace);
    QCOMPARE(plot.thresholdLine(Stream::Image)->point1->coords().y(), 1.0 - kImageThreshold);
    QCOMPARE(plot.thresholdLine(Stream::Image)->point2->coords().y(), 1.0 - kImageThreshold);
    QCOMPARE(plot.thresholdLine(Stream::Text)->point1->coords().y(), 1.0 - kTextThreshold);
    QCOMPARE(plot.thresholdLine(Stream::Decoder)->point1->coords().y(),
             1.0 - static_cast<double>(trace.decoder_tokens[0].threshold));
}

void TestViews::selectingTokenSwitchesDecoder()
{
    SimilarityPlot plot;
    const mue::RunTrace trace = captionTrace(/*whatIf=*/false);
    plot.setTrace(trace);
    plot.setSelectedToken(3);
    QCOMPARE(plot.selectedToken(), 3);
    QCOMPARE(plot.similarityGraph(Stream::Decoder)->dataCount(), trace.decoder_tokens[3].exit_layer);
    QCOMPARE(plot.thresholdLine(Stream::Decoder)->point1->coords().y(),
             1.0 - static_cast<double>(trace.decoder_tokens[3].threshold));
    QVERIFY(plot.similarityGraph(Stream::Decoder)->name().contains(QStringLiteral("left")));
    plot.setSelectedToken(1000);
    QCOMPARE(plot.selectedToken(), static_cast<int>(trace.decoder_tokens.size()) - 1);
}

void TestViews::draggingThresholdLineEmits()
{
    SimilarityPlot plot;
    plot.resize(kWidgetSize);
    plot.setTrace(captionTrace(/*whatIf=*/true));
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    QCustomPlot* custom = plot.customPlot();
    custom->replot();

    QSignalSpy spy(&plot, &SimilarityPlot::thresholdChanged);
    const int x = static_cast<int>(custom->xAxis->coordToPixel(2.0));
    const int lineY = static_cast<int>(std::lround(custom->yAxis->coordToPixel(1.0 - kImageThreshold)));
    constexpr int kDragPx = 40;  // upwards: a larger distance, a lower threshold
    const int targetY = lineY - kDragPx;

    QTest::mousePress(custom, Qt::LeftButton, Qt::NoModifier, QPoint(x, lineY));
    QTest::mouseMove(custom, QPoint(x, lineY - kDragPx / 2));
    QTest::mouseMove(custom, QPoint(x, targetY));
    QTest::mouseRelease(custom, Qt::LeftButton, Qt::NoModifier, QPoint(x, targetY));

    QVERIFY(spy.count() >= 2);
    const QList<QVariant> last = spy.takeLast();
    QCOMPARE(last.at(0).value<Stream>(), Stream::Image);
    const double expected = 1.0 - custom->yAxis->pixelToCoord(targetY);
    const double emitted = last.at(1).toDouble();
    QVERIFY2(std::abs(emitted - expected) < 1e-9, qPrintable(QStringLiteral("%1 vs %2").arg(emitted).arg(expected)));
    QVERIFY(emitted < kImageThreshold);
    QCOMPARE(plot.threshold(Stream::Image), emitted);
    QCOMPARE(plot.thresholdLine(Stream::Image)->point1->coords().y(), 1.0 - emitted);
    // The other lines stay where they were.
    QCOMPARE(plot.threshold(Stream::Text), kTextThreshold);
}

void TestViews::pressAwayFromLinesDoesNothing()
{
    SimilarityPlot plot;
    plot.resize(kWidgetSize);
    plot.setTrace(captionTrace(/*whatIf=*/true));
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    QCustomPlot* custom = plot.customPlot();
    custom->replot();

    QSignalSpy spy(&plot, &SimilarityPlot::thresholdChanged);
    const QPoint inside = custom->axisRect()->rect().center();
    const QPoint away(inside.x(), static_cast<int>(custom->yAxis->coordToPixel(0.5)));
    QTest::mousePress(custom, Qt::LeftButton, Qt::NoModifier, away);
    QTest::mouseMove(custom, away + QPoint(0, 30));
    QTest::mouseRelease(custom, Qt::LeftButton, Qt::NoModifier, away + QPoint(0, 30));
    QCOMPARE(spy.count(), 0);
}

void TestViews::lanesCountRunAndSkippedLayers()
{
    const mue::RunTrace trace = captionTrace(/*whatIf=*/false);
    const std::vector<Lane> lanes = mue::widgets::exitLanes(trace);
    QCOMPARE(lanes.size(), 2 + trace.decoder_tokens.size());
    QCOMPARE(lanes[0].stream, Stream::Image);
    QCOMPARE(lanes[0].executed(), kImageExit);
    QCOMPARE(lanes[0].count(CellState::Exit), 1);
    QCOMPARE(lanes[0].count(CellState::Skipped), kLayers - kImageExit);
    QCOMPARE(lanes[0].count(CellState::WouldSkip), 0);
    QCOMPARE(lanes[1].stream, Stream::Text);
    QCOMPARE(lanes[1].executed(), kTextExit);
    QCOMPARE(lanes[1].count(CellState::Skipped), kLayers - kTextExit);
    for (std::size_t i = 0; i < trace.decoder_tokens.size(); ++i) {
        const Lane& lane = lanes[2 + i];
        const mue::DecoderTokenTrace& token = trace.decoder_tokens[i];
        QCOMPARE(lane.stream, Stream::Decoder);
        QCOMPARE(lane.tokenIndex, static_cast<int>(i));
        QCOMPARE(lane.executed(), token.exit_layer);
        QCOMPARE(lane.count(CellState::Exit), token.exited ? 1 : 0);
        QCOMPARE(lane.count(CellState::Skipped), kLayers - token.exit_layer);
    }

    ExitDiagram diagram;
    diagram.setTrace(trace);
    QCOMPARE(diagram.lanes().size(), lanes.size());
}

void TestViews::whatIfLanesMarkWouldSkip()
{
    const std::vector<Lane> lanes = mue::widgets::exitLanes(captionTrace(/*whatIf=*/true));
    QCOMPARE(lanes[0].executed(), kImageExit);
    QCOMPARE(lanes[0].count(CellState::WouldSkip), kLayers - kImageExit);
    QCOMPARE(lanes[0].count(CellState::Skipped), 0);
    QVERIFY(lanes[0].cells[kLayers - 1].similarity.has_value());
}

void TestViews::diagramTooltipNamesLayer()
{
    ExitDiagram diagram;
    diagram.resize(kWidgetSize);
    diagram.setTrace(captionTrace(/*whatIf=*/true));
    const QString exitTip = diagram.toolTipAt(diagram.cellRect(0, kImageExit - 1).center());
    QVERIFY2(exitTip.contains(QStringLiteral("layer 5")), qPrintable(exitTip));
    QVERIFY(exitTip.contains(QStringLiteral("exited")));
    QVERIFY(exitTip.contains(QStringLiteral("threshold 0.9900")));
    QVERIFY(exitTip.contains(QStringLiteral("cos(h_i, h_i-1)")));
    QVERIFY(diagram.toolTipAt(diagram.cellRect(0, kLayers - 1).center()).contains(QStringLiteral("what-if")));
    QVERIFY(diagram.toolTipAt(QPoint(1, 1)).isEmpty());
}

void TestViews::longDecoderGrowsDiagram()
{
    constexpr int kTokens = 300;
    mue::RunTrace trace = captionTrace(/*whatIf=*/false);
    const mue::DecoderTokenTrace token = trace.decoder_tokens[2];
    trace.decoder_tokens.assign(kTokens, token);
    ExitDiagram diagram;
    const int shortHeight = diagram.sizeHint().height();
    diagram.setTrace(trace);
    QVERIFY(diagram.sizeHint().height() > shortHeight);
    QVERIFY(diagram.minimumSizeHint().height() > kTokens * 20);
    QCOMPARE(diagram.lanes().size(), std::size_t(2 + kTokens));

    SimilarityPlot plot;
    plot.setTrace(trace);
    plot.setSelectedToken(kTokens - 1);
    QCOMPARE(plot.selectedToken(), kTokens - 1);
}

void TestViews::emptyTraces()
{
    const mue::RunTrace empty;
    SimilarityPlot plot;
    plot.resize(kWidgetSize);
    plot.setTrace(empty);
    plot.setSelectedToken(4);
    QCOMPARE(plot.selectedToken(), 0);
    for (Stream stream : {Stream::Image, Stream::Text, Stream::Decoder}) {
        QCOMPARE(plot.similarityGraph(stream)->dataCount(), 0);
        QVERIFY(!plot.thresholdLine(stream)->visible());
    }
    QVERIFY(!plot.grab().isNull());

    ExitDiagram diagram;
    diagram.resize(kWidgetSize);
    diagram.setTrace(empty);
    QVERIFY(diagram.lanes().empty());
    QVERIFY(diagram.toolTipAt(QPoint(200, 100)).isEmpty());
    QVERIFY(!diagram.grab().isNull());
}

void TestViews::jointTraces()
{
    const mue::RunTrace trace = jointTrace();
    SimilarityPlot plot;
    plot.resize(kWidgetSize);
    plot.setTrace(trace);
    QCOMPARE(plot.similarityGraph(Stream::Image)->dataCount(), kImageExit);
    QVERIFY(plot.similarityGraph(Stream::Image)->name().contains(QStringLiteral("joint")));
    QCOMPARE(plot.similarityGraph(Stream::Text)->dataCount(), 0);
    QVERIFY(!plot.thresholdLine(Stream::Text)->visible());
    QCOMPARE(plot.threshold(Stream::Image), trace.settings.joint_threshold);
    QVERIFY(!plot.grab().isNull());

    const std::vector<Lane> lanes = mue::widgets::exitLanes(trace);
    QCOMPARE(lanes.size(), 1 + trace.decoder_tokens.size());
    QVERIFY(lanes[0].label.contains(QStringLiteral("joint")));
    QCOMPARE(lanes[0].cells.front().threshold, trace.settings.joint_threshold);
    ExitDiagram diagram;
    diagram.resize(kWidgetSize);
    diagram.setTrace(trace);
    QVERIFY(!diagram.grab().isNull());
}

void TestViews::render()
{
    const mue::RunTrace trace = captionTrace(/*whatIf=*/true);
    SimilarityPlot plot;
    plot.resize(kWidgetSize);
    plot.setTrace(trace);
    plot.setSelectedToken(2);
    ExitDiagram diagram;
    diagram.setTrace(trace);
    diagram.resize(kWidgetSize.width(), diagram.sizeHint().height());

    const QImage plotImage = plot.grab().toImage();
    const QImage diagramImage = diagram.grab().toImage();
    QCOMPARE(plotImage.size(), kWidgetSize);
    QCOMPARE(diagramImage.width(), kWidgetSize.width());
    QVERIFY(diagramImage.height() > 300);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(plotImage.save(dir.filePath(QStringLiteral("similarity.png"))));
    QVERIFY(diagramImage.save(dir.filePath(QStringLiteral("exits.png"))));

    const QString docs = screenshotDir();
    if (!docs.isEmpty()) {
        QVERIFY(plotImage.save(docs + QStringLiteral("/widgets-similarity.png")));
        QVERIFY(diagramImage.save(docs + QStringLiteral("/widgets-exits.png")));
    }
}

QTEST_MAIN(TestViews)
#include "tst_views.moc"
