#pragma once
// Helpers shared by the tests of the QCustomPlot views (importance, rate–distortion,
// compensation). Set NWC_TEST_GRABS to a folder to keep the widget grabs for a look.

#include "analysisview.h"
#include "customplot.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QMouseEvent>
#include <QTemporaryDir>
#include <QTest>
#include <QWidget>
#include <cmath>

namespace nwc::test {

/// The pixel of plot coordinates (x, y) on `valueAxis` (default: the plot's yAxis).
inline QPoint pixelOf(QCustomPlot *plot, double x, double y, QCPAxis *valueAxis = nullptr) {
    QCPAxis *yAxis = valueAxis ? valueAxis : plot->yAxis;
    return QPoint(int(std::lround(plot->xAxis->coordToPixel(x))),
                  int(std::lround(yAxis->coordToPixel(y))));
}

/// A left click at plot coordinates (x, y), as pixelOf() places them.
inline void clickAt(QCustomPlot *plot, double x, double y, QCPAxis *valueAxis = nullptr) {
    QTest::mouseClick(plot, Qt::LeftButton, {}, pixelOf(plot, x, y, valueAxis));
}

/// The pointer moving over `pixel` of `plot` with no button pressed (what hover read-outs
/// answer).
inline void hoverAt(QCustomPlot *plot, const QPoint &pixel) {
    QMouseEvent move(QEvent::MouseMove, QPointF(pixel), plot->mapToGlobal(QPointF(pixel)),
                     Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QCoreApplication::sendEvent(plot, &move);
}

/// Resizes `view` to `size`, shows it, waits until it is exposed and redraws its shown plot
/// so that pixelOf() matches the laid-out axes. False when the window never became exposed.
inline bool showView(AnalysisView &view, const QSize &size) {
    view.resize(size);
    view.show();
    if (!QTest::qWaitForWindowExposed(&view))
        return false;
    view.plot()->replot();
    return true;
}

/// Items of type T (and with objectName `name`, when given) in `plot`.
template <typename T> QList<T *> itemsOf(QCustomPlot *plot, const QString &name = QString()) {
    QList<T *> items;
    for (int i = 0; i < plot->itemCount(); ++i) {
        if (auto *item = qobject_cast<T *>(plot->item(i))) {
            if (name.isEmpty() || item->objectName() == name)
                items << item;
        }
    }
    return items;
}

/// Texts of every QCPItemText in `plot`, joined by newlines.
inline QString itemTexts(QCustomPlot *plot) {
    QStringList texts;
    for (QCPItemText *text : itemsOf<QCPItemText>(plot))
        texts << text->text();
    return texts.join(QLatin1Char('\n'));
}

/// Pixels inside the plot's axis rect that are clearly not its background colour.
inline int inkPixels(QCustomPlot *plot, const QImage &image) {
    const QColor background = plot->palette().color(QPalette::Base);
    const QRect area = plot->axisRect()->rect().adjusted(2, 2, -2, -2) & image.rect();
    int count = 0;
    for (int y = area.top(); y <= area.bottom(); ++y) {
        for (int x = area.left(); x <= area.right(); ++x) {
            const QColor c = image.pixelColor(x, y);
            const int difference = std::abs(c.red() - background.red()) +
                                   std::abs(c.green() - background.green()) +
                                   std::abs(c.blue() - background.blue());
            if (difference > 90)
                ++count;
        }
    }
    return count;
}

/// Saves a grab of `widget` as $NWC_TEST_GRABS/<name>.png when that variable is set.
inline void keepGrab(QWidget *widget, const QString &name) {
    const QString folder = qEnvironmentVariable("NWC_TEST_GRABS");
    if (folder.isEmpty())
        return;
    QDir().mkpath(folder);
    widget->grab().save(QDir(folder).filePath(name + QStringLiteral(".png")));
}

/// Also exports the view's shown plot as $NWC_TEST_GRABS/<name>.pdf when that variable is set.
inline void keepExport(AnalysisView &view, const QString &name) {
    const QString folder = qEnvironmentVariable("NWC_TEST_GRABS");
    if (folder.isEmpty())
        return;
    QString error;
    QVERIFY2(view.exportTo(QDir(folder).filePath(name + QStringLiteral(".pdf")), &error),
             qPrintable(error));
}

/// Checks exportTo() of a view on its shown plot: PNG at twice the plot's size, a PDF, the
/// exact `expectedCsv`, and refusals naming the file for an unwritable path and an unknown
/// suffix.
inline void checkExports(AnalysisView &view, const QString &expectedCsv) {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString error;

    const QString png = dir.filePath(QStringLiteral("plot.png"));
    QVERIFY2(view.exportTo(png, &error), qPrintable(error));
    const QImage image(png);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), view.plot()->size() * 2);

    const QString pdf = dir.filePath(QStringLiteral("plot.pdf"));
    QVERIFY2(view.exportTo(pdf, &error), qPrintable(error));
    QFile pdfFile(pdf);
    QVERIFY(pdfFile.open(QIODevice::ReadOnly));
    const QByteArray pdfBytes = pdfFile.readAll();
    QVERIFY(pdfBytes.startsWith("%PDF"));
    QVERIFY(pdfBytes.size() > 1000);

    const QString csv = dir.filePath(QStringLiteral("plot.csv"));
    QVERIFY2(view.exportTo(csv, &error), qPrintable(error));
    QFile csvFile(csv);
    QVERIFY(csvFile.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(csvFile.readAll()), expectedCsv);

    for (const QString &bad : {QStringLiteral("/nonexistent-folder-for-nwc-tests/plot.png"),
                               QStringLiteral("/nonexistent-folder-for-nwc-tests/plot.pdf"),
                               QStringLiteral("/nonexistent-folder-for-nwc-tests/plot.csv"),
                               dir.filePath(QStringLiteral("plot.txt"))}) {
        error.clear();
        QVERIFY2(!view.exportTo(bad, &error), qPrintable(bad));
        QVERIFY2(error.contains(bad), qPrintable(error));
    }
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("plot.txt"))));
}

} // namespace nwc::test
