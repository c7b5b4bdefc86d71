#pragma once
// Include qcustomplot.h through this header. It uses Qt's lower-case keywords (signals, slots,
// foreach), which the project turns off with QT_NO_KEYWORDS; they are spelled out for that one
// header and removed again. Any thread may include it (QCustomPlot itself is GUI thread only).

#ifdef QT_NO_KEYWORDS
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef foreach
#else
#include <qcustomplot.h>
#endif
