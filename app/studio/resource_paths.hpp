#pragma once
// Where the embedded model and the sample images are: next to an installed binary
// (../share/mue-studio/...), else the build tree's. MUE_DEFAULT_MODEL overrides the model.
//
// Threading: any thread (after QCoreApplication exists).

#include <QString>

namespace mue::studio {

[[nodiscard]] QString defaultModelFolder();
[[nodiscard]] QString samplesFolder();

}  // namespace mue::studio
