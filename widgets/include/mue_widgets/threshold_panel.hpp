#pragma once
// The early-exit settings editor: policy, preset, the three similarity thresholds (a slider on a
// log scale of 1 - theta next to an exact spin box) and a collapsible "Advanced" section with the
// schedule, KV policy, joint threshold and the baselines' parameters. Controls the selected policy
// ignores are disabled, not hidden. GUI thread only.
//
// The panel keeps the settings it was given and changes only the field a control edits, so values
// finer than a spin box shows (a warm-up of 1/3, a threshold dragged on the plot) survive. It never
// produces settings that ExitSettings::validate() rejects.

#include "mue_widgets/palette.hpp"

#include <mue/trace.hpp>

#include <QWidget>

#include <array>

class QComboBox;
class QDoubleSpinBox;
class QGridLayout;
class QLabel;
class QSlider;
class QSpinBox;
class QToolButton;

namespace mue::widgets {

class ScaleRuler;

class ThresholdPanel : public QWidget {
    Q_OBJECT

public:
    // The slider runs over d = 1 - theta from 1 (left, theta = 0) to 1e-4 (right, theta = 0.9999)
    // on a log scale: position p gives d = 10^(-4 p / kSliderSteps), so 0.9, 0.99 and 0.999 sit a
    // quarter of the way apart.
    static constexpr int kSliderSteps = 1000;
    static constexpr double kMinDistance = 1e-4;
    static constexpr int kDecimals = 4;

    // The slider position of a threshold (clamped to the slider's ends) and the threshold at a
    // position (not rounded).
    [[nodiscard]] static int sliderPosition(double threshold);
    [[nodiscard]] static double thresholdAt(int position);

    explicit ThresholdPanel(QWidget* parent = nullptr);

    // Shows `settings` in every control without emitting settingsChanged. Out-of-range values
    // (which validate() would reject) are clamped into range.
    void setSettings(const mue::ExitSettings& settings);
    [[nodiscard]] mue::ExitSettings settings() const { return settings_; }

    // One stream's threshold, e.g. from a line dragged on the similarity plot: Image, Text or
    // Decoder (under the Joint policy, Image sets the joint threshold, as the plot's image line
    // shows it). Updates the controls and emits settingsChanged once when the value changed.
    void setThreshold(Stream stream, double value);

    // Caps the static layer counts at the model's depth (the engine rejects more).
    void setModelLayers(int encoderLayers, int decoderLayers);

    // For tests.
    [[nodiscard]] QComboBox* policyBox() const { return policyBox_; }
    [[nodiscard]] QComboBox* presetBox() const { return presetBox_; }
    [[nodiscard]] QSlider* slider(Stream stream) const { return rows_[streamIndex(stream)].slider; }
    [[nodiscard]] QDoubleSpinBox* spinBox(Stream stream) const { return rows_[streamIndex(stream)].spin; }
    [[nodiscard]] QWidget* advancedSection() const { return advanced_; }
    [[nodiscard]] QToolButton* advancedButton() const { return advancedButton_; }
    [[nodiscard]] QDoubleSpinBox* betaBox() const { return beta_; }
    [[nodiscard]] QDoubleSpinBox* tauBox() const { return tau_; }
    [[nodiscard]] QDoubleSpinBox* warmupBox() const { return warmup_; }
    [[nodiscard]] QComboBox* kvPolicyBox() const { return kvPolicy_; }
    [[nodiscard]] QDoubleSpinBox* jointThresholdBox() const { return joint_; }
    [[nodiscard]] QSpinBox* staticLayersBox(Stream stream) const { return staticLayers_[streamIndex(stream)]; }
    [[nodiscard]] QDoubleSpinBox* entropyBox() const { return entropy_; }
    [[nodiscard]] QSpinBox* patienceBox() const { return patience_; }
    [[nodiscard]] QDoubleSpinBox* confidenceBox() const { return confidence_; }

    // The preset box's entry for settings that match no preset (always the last entry).
    [[nodiscard]] int customPresetIndex() const;

Q_SIGNALS:
    // Once per user edit (each slider step while dragging, a spin box on Enter or focus loss, a
    // combo box choice), and once per setThreshold that changes a value; never from setSettings.
    void settingsChanged(const mue::ExitSettings& settings);

private:
    struct ThresholdRow {
        QLabel* label = nullptr;
        QSlider* slider = nullptr;
        QDoubleSpinBox* spin = nullptr;
    };

    [[nodiscard]] double& thresholdField(Stream stream);
    [[nodiscard]] double thresholdValue(Stream stream) const;
    void buildThresholdRows(QGridLayout* grid, int firstRow);
    void setFieldEnabled(QWidget* field, bool enabled);
    template <typename Edit>
    void edit(Edit&& change);
    QWidget* buildAdvanced();
    void syncControls();   // settings_ -> every control, signals blocked
    void syncPreset();
    void syncEnabled();
    void commit();         // after a user edit: preset, enabled state, then emit
    void onSlider(Stream stream, int position);
    void onSpin(Stream stream, double value);
    void onPreset(int index);

    mue::ExitSettings settings_;
    Palette palette_;
    QComboBox* policyBox_ = nullptr;
    QComboBox* presetBox_ = nullptr;
    std::array<ThresholdRow, kStreamCount> rows_{};
    QToolButton* advancedButton_ = nullptr;
    QWidget* advanced_ = nullptr;
    QDoubleSpinBox* beta_ = nullptr;
    QDoubleSpinBox* tau_ = nullptr;
    QDoubleSpinBox* warmup_ = nullptr;
    QComboBox* kvPolicy_ = nullptr;
    QDoubleSpinBox* joint_ = nullptr;
    std::array<QSpinBox*, kStreamCount> staticLayers_{};
    QDoubleSpinBox* entropy_ = nullptr;
    QSpinBox* patience_ = nullptr;
    QDoubleSpinBox* confidence_ = nullptr;
    ScaleRuler* ruler_ = nullptr;
};

}  // namespace mue::widgets
