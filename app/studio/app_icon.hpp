#pragma once
// MuE Studio's icon, drawn rather than shipped as a file: three layer stacks (image, text,
// decoder) in the views' colours, each cut short where it "exited". The window uses it, and the
// build renders the PNG icon set the package installs from the same drawing.
//
// Threading: any thread (QImage painting).

#include <QIcon>
#include <QImage>

#include <array>

namespace mue::studio {

// The sizes the window icon and the package's icon set come in.
inline constexpr std::array<int, 6> kAppIconSides{16, 32, 48, 64, 128, 256};

[[nodiscard]] QImage renderAppIcon(int side);
[[nodiscard]] QIcon appIcon();

}  // namespace mue::studio
