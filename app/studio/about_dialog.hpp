#pragma once
// "About MuE": what multiple early exiting does, with a figure drawn by the app's own exit
// diagram, and what each view of the window shows.
//
// Threading: GUI thread only.

#include <QDialog>

class QTextBrowser;

namespace mue::studio {

class AboutDialog : public QDialog {
    Q_OBJECT
public:
    explicit AboutDialog(QWidget* parent = nullptr);

    [[nodiscard]] QTextBrowser* browser() const { return browser_; }

private:
    QTextBrowser* browser_;
};

}  // namespace mue::studio
