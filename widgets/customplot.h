#pragma once
// The only way into QCustomPlot. Its header uses Qt's lowercase keywords, which this project
// disables (QT_NO_KEYWORDS, QT_NO_FOREACH): they are mapped to the Q_ macros for the include and
// removed again, so the rest of the code base never sees them. `foreach` only appears in
// uninstantiated templates (plottableAt, itemAt); it becomes a range-for.

#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach(variable, container) for (variable : std::as_const(container))
#include <qcustomplot.h>
#undef foreach
#undef emit
#undef slots
#undef signals
