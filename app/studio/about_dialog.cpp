#include "about_dialog.hpp"

#include <mue_widgets/exit_diagram.hpp>

#include <QDialogButtonBox>
#include <QTextBrowser>
#include <QTextDocument>
#include <QUrl>
#include <QVBoxLayout>

#include <cmath>

namespace mue::studio {
namespace {

constexpr int kFigureWidth = 620;
constexpr int kLayers = 6;

// Cosines that rise layer by layer towards 1, as in a trained model.
std::vector<float> risingSimilarity(int layers, float first, float rate) {
    std::vector<float> similarity;
    for (int i = 0; i < layers; ++i) {
        similarity.push_back(1.0F - (1.0F - first) * std::pow(rate, static_cast<float>(i)));
    }
    return similarity;
}

// An illustrative run (not a model's output): the image stream exits after layer 2, the text
// stream after layer 4, and each decoded token where its own similarity first passes Theta(t).
mue::RunTrace illustration() {
    mue::RunTrace t;
    t.settings.policy = mue::ExitPolicy::Mue;
    t.settings.image_threshold = 0.99;
    t.settings.text_threshold = 0.99;
    t.image = {64, kLayers, 2, true, risingSimilarity(2, 0.95F, 0.1F), {}};
    t.text = {8, kLayers, 4, true, risingSimilarity(4, 0.7F, 0.2F), {}};
    t.decoder_layers = kLayers;
    const std::vector<std::pair<const char*, int>> tokens{{" a", 1}, {" red", 3}, {" circle", 5}, {" left", 2},
                                                          {" of", 1}, {" a", 1}, {" square", 6}};
    int step = 1;
    for (const auto& [text, exitLayer] : tokens) {
        mue::DecoderTokenTrace token;
        token.text = text;
        token.step = step++;
        token.threshold = 0.99F;
        token.exit_layer = exitLayer;
        token.exited = exitLayer < kLayers;
        token.similarity = risingSimilarity(exitLayer, 0.9F, 0.1F);
        t.decoder_tokens.push_back(token);
    }
    return t;
}

}  // namespace

AboutDialog::AboutDialog(QWidget* parent) : QDialog(parent), browser_(new QTextBrowser) {
    setWindowTitle(tr("About MuE"));
    resize(720, 760);

    widgets::ExitDiagram diagram;
    diagram.setTrace(illustration());
    diagram.resize(kFigureWidth, diagram.sizeHint().height());
    browser_->document()->addResource(QTextDocument::ImageResource, QUrl(QStringLiteral("mue://figure")),
                                      diagram.grab().toImage());
    browser_->setOpenExternalLinks(true);
    browser_->setHtml(
        tr("<h2>Multiple early exiting (MuE)</h2>"
           "<p>A unified vision-language model such as OFA reads an image and a text with a stack of encoder layers, "
           "then writes its answer token by token with a stack of decoder layers. Not every input needs every layer: "
           "on an easy input the hidden states stop changing early. <b>MuE</b> (Tang et al., CVPR 2023) stops each "
           "part of the computation as soon as further layers would not change much.</p>"
           "<p><img src=\"mue://figure\"></p>"
           "<p><i>Figure: an illustration of where MuE exits. Filled boxes ran, the outlined box is where the exit "
           "fired, faint boxes were skipped.</i></p>"
           "<h3>Three kinds of exit</h3>"
           "<ul><li><b>Image stream</b> and <b>text stream</b>: the encoder runs the two modalities separately "
           "(decomposed) so that each can exit on its own. After layer <i>i</i> a stream stops when the cosine "
           "similarity of its hidden states before and after that layer exceeds its threshold: the layer barely "
           "changed it.</li>"
           "<li><b>Decoder</b>: every generated token exits on its own, after the first decoder layer whose state is "
           "similar enough to the previous layer's. The threshold decays over the answer, "
           "&Theta;(t) = &beta;&theta; + (1 &minus; &beta;) e<sup>&minus;&tau;t/N</sup>, so later tokens may exit "
           "earlier.</li></ul>"
           "<p>A model fine-tuned with a loss at <i>every</i> decoder layer (MuE's layer-wise loss) can answer from "
           "any of them, which is what makes the decoder exits safe.</p>"
           "<h3>What the window shows</h3>"
           "<ul><li><b>Similarity plot</b>: 1 &minus; cos between consecutive layers for each stream, on a log scale. "
           "The dashed lines are the thresholds; drag one and the run repeats with the new value.</li>"
           "<li><b>Exit diagram</b>: the layer stacks of every stream and every decoded token: what ran, where it "
           "exited, what was skipped.</li>"
           "<li><b>Output</b>: each token coloured by the layer it exited at; hover it to see what the shared head "
           "predicted at each layer.</li>"
           "<li><b>Image</b>: per image patch, how much the chosen layer still changed it.</li>"
           "<li><b>Savings</b>: the expected reduction in layers (the paper's two definitions), the reduction in "
           "floating-point operations, and the measured wall time against the full model on the same input.</li>"
           "</ul>"
           "<p>Reference: Shengkun Tang et al. <i>You Need Multiple Exiting: Dynamic Early Exiting for Accelerating Unified "
           "Vision Language Model.</i> CVPR 2023.</p>"
           "<p>MuE Studio is free software under the GNU General Public License, version 3 or later.</p>"));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(browser_);
    layout->addWidget(buttons);
}

}  // namespace mue::studio
