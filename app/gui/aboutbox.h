#pragma once
// Help › About NWC Workbench.

#include <QCoreApplication>

class QWidget;

namespace nwc {

/// The About box: what the workbench is for, its methods and the libraries it runs on.
class AboutBox {
    Q_DECLARE_TR_FUNCTIONS(nwc::AboutBox)
public:
    static void show(QWidget *parent);
};

} // namespace nwc
