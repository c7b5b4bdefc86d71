#include "guided_tour.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>

namespace mue::studio {

GuidedTour::GuidedTour(std::vector<Step> steps, QWidget* parent)
    : QDialog(parent), steps_(std::move(steps)), title_(new QLabel), text_(new QLabel), counter_(new QLabel),
      back_(new QPushButton(tr("Back"))), next_(new QPushButton(tr("Next"))) {
    setWindowTitle(tr("Guided Tour"));
    setModal(false);  // the window stays usable: the tour points at it
    QFont titleFont = title_->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    title_->setFont(titleFont);
    text_->setWordWrap(true);
    text_->setTextFormat(Qt::RichText);
    text_->setMinimumWidth(360);
    auto* close = new QPushButton(tr("Close"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(counter_);
    buttons->addStretch();
    buttons->addWidget(back_);
    buttons->addWidget(next_);
    buttons->addWidget(close);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(title_);
    layout->addWidget(text_, 1);
    layout->addLayout(buttons);
    connect(back_, &QPushButton::clicked, this, [this] { showStep(current_ - 1); });
    connect(next_, &QPushButton::clicked, this, [this] {
        if (current_ + 1 < stepCount()) {
            showStep(current_ + 1);
        } else {
            accept();
        }
    });
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    showStep(0);
}

void GuidedTour::showStep(int index) {
    if (steps_.empty()) return;
    current_ = std::clamp(index, 0, stepCount() - 1);
    const Step& s = steps_[static_cast<std::size_t>(current_)];
    title_->setText(s.title);
    text_->setText(s.text);
    counter_->setText(tr("Step %1 of %2").arg(current_ + 1).arg(stepCount()));
    back_->setEnabled(current_ > 0);
    next_->setText(current_ + 1 < stepCount() ? tr("Next") : tr("Finish"));
    if (s.action) s.action();
}

QString GuidedTour::stepTitle() const { return title_->text(); }

}  // namespace mue::studio
