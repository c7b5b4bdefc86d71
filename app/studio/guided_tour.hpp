#pragma once
// The guided tour: a few steps beside the window that walk through one easy and one hard
// built-in scene and explain similarity, the exits of each modality, and the saving. Shown once
// on the first start, and from Help > Guided Tour.
//
// Threading: GUI thread only.

#include <QDialog>

#include <functional>
#include <vector>

class QLabel;
class QPushButton;

namespace mue::studio {

class GuidedTour : public QDialog {
    Q_OBJECT
public:
    struct Step {
        QString title;
        QString text;
        std::function<void()> action;  // run when the step is shown (e.g. load a scene); may be empty
    };

    GuidedTour(std::vector<Step> steps, QWidget* parent = nullptr);

    void showStep(int index);
    [[nodiscard]] int step() const { return current_; }
    [[nodiscard]] int stepCount() const { return static_cast<int>(steps_.size()); }
    [[nodiscard]] QString stepTitle() const;

private:
    std::vector<Step> steps_;
    int current_ = -1;
    QLabel* title_;
    QLabel* text_;
    QLabel* counter_;
    QPushButton* back_;
    QPushButton* next_;
};

}  // namespace mue::studio
