#include "plotexport.h"

#include "analysis/importancemap.h"
#include "customplot.h"
#include "presentationscale.h"

#include <QCoreApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QToolTip>
#include <cmath>

namespace nwc {
namespace {

bool fail(QString *error, const QString &message) {
    if (error)
        *error = message;
    return false;
}

// Writes `bytes` through a QSaveFile: the target is only replaced once everything is written.
bool writeAtomically(const QString &path, const std::function<bool(QIODevice *)> &write,
                     QString *error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(error, QCoreApplication::translate("PlotExport", "Could not write %1: %2")
                               .arg(path, file.errorString()));
    if (!write(&file)) {
        file.cancelWriting();
        return fail(error, QCoreApplication::translate("PlotExport", "Could not write %1: %2")
                               .arg(path, file.errorString().isEmpty()
                                              ? QCoreApplication::translate(
                                                    "PlotExport", "the plot could not be drawn")
                                              : file.errorString()));
    }
    if (!file.commit())
        return fail(error, QCoreApplication::translate("PlotExport", "Could not write %1: %2")
                               .arg(path, file.errorString()));
    return true;
}

/// A log ticker that also works over less than two decades: there QCPAxisTickerLog falls back
/// to evenly spaced ticks, whose labels pile up at the top of a log axis; this one puts them at
/// 1, 2 and 5 times the powers of ten instead.
class LogTicker : public QCPAxisTickerLog {
protected:
    QVector<double> createTickVector(double tickStep, const QCPRange &range) override {
        if (range.lower > 0 && range.upper > 0 && std::log10(range.upper / range.lower) < 1.6) {
            QVector<double> ticks;
            const int first = int(std::floor(std::log10(range.lower)));
            const int last = int(std::floor(std::log10(range.upper)));
            int inside = 0;
            // One tick beyond each end (the axis trims them; sub-ticks need them).
            for (int exponent = first; exponent <= last + 1; ++exponent) {
                for (const double mantissa : {1.0, 2.0, 5.0}) {
                    const double tick = mantissa * std::pow(10.0, exponent);
                    ticks.append(tick);
                    if (tick >= range.lower && tick <= range.upper)
                        ++inside;
                }
            }
            if (inside >= 2)
                return ticks;
        }
        return QCPAxisTickerLog::createTickVector(tickStep, range);
    }
};

} // namespace

bool savePlotPng(QCustomPlot *plot, const QString &path, QString *error) {
    const QImage image = plot->toPixmap(0, 0, 2.0).toImage();
    if (image.isNull())
        return fail(error, QCoreApplication::translate("PlotExport",
                                                       "Could not write %1: the plot has no size")
                               .arg(path));
    return writeAtomically(
        path, [&](QIODevice *device) { return image.save(device, "PNG"); }, error);
}

bool savePlotPdf(QCustomPlot *plot, const QString &path, const QString &title, QString *error) {
    const QSize size = plot->viewport().size();
    if (size.isEmpty())
        return fail(error, QCoreApplication::translate("PlotExport",
                                                       "Could not write %1: the plot has no size")
                               .arg(path));
    return writeAtomically(
        path,
        [&](QIODevice *device) {
            QPdfWriter writer(device);
            writer.setCreator(QStringLiteral("NWC Workbench"));
            writer.setTitle(title);
            // Same geometry as QCustomPlot::savePdf: a page the size of the plot in points,
            // drawn at screen resolution so cosmetic pens keep their on-screen width.
            writer.setResolution(96);
            QPageLayout layout;
            layout.setMode(QPageLayout::FullPageMode);
            layout.setOrientation(QPageLayout::Portrait);
            layout.setMargins(QMarginsF(0, 0, 0, 0));
            layout.setPageSize(
                QPageSize(QSizeF(size), QPageSize::Point, QString(), QPageSize::ExactMatch));
            writer.setPageLayout(layout);
            QCPPainter painter;
            if (!painter.begin(&writer))
                return false;
            painter.setMode(QCPPainter::pmVectorized);
            painter.setWindow(QRect(QPoint(0, 0), size));
            plot->toPainter(&painter, size.width(), size.height());
            return painter.end();
        },
        error);
}

bool saveTextFile(const QString &path, const QString &text, QString *error) {
    const QByteArray bytes = text.toUtf8();
    return writeAtomically(
        path, [&](QIODevice *device) { return device->write(bytes) == bytes.size(); }, error);
}

bool exportPlot(QCustomPlot *plot, const QString &path, const QString &csv, const QString &title,
                QString *error) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("png"))
        return savePlotPng(plot, path, error);
    if (suffix == QLatin1String("pdf"))
        return savePlotPdf(plot, path, title, error);
    if (suffix == QLatin1String("csv"))
        return saveTextFile(path, csv, error);
    return fail(error, QCoreApplication::translate(
                           "PlotExport", "Could not write %1: the file name must end in .png, .pdf "
                                         "or .csv")
                           .arg(path));
}

void exportWithDialog(QWidget *parent, const QString &suggestedName,
                      const std::function<bool(const QString &, QString *)> &write) {
    QString selectedFilter;
    QString path = QFileDialog::getSaveFileName(
        parent, QCoreApplication::translate("PlotExport", "Export Plot"),
        suggestedName + QStringLiteral(".png"),
        QCoreApplication::translate("PlotExport",
                                    "PNG image (*.png);;PDF document (*.pdf);;CSV table (*.csv)"),
        &selectedFilter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty()) {
        if (selectedFilter.contains(QLatin1String("*.pdf")))
            path += QStringLiteral(".pdf");
        else if (selectedFilter.contains(QLatin1String("*.csv")))
            path += QStringLiteral(".csv");
        else
            path += QStringLiteral(".png");
    }
    QString error;
    if (!write(path, &error))
        QMessageBox::warning(parent, QCoreApplication::translate("PlotExport", "Export Plot"),
                             error);
}

void stylePlot(QCustomPlot *plot) {
    const QPalette palette = plot->palette();
    plot->setBackground(palette.base());
    plot->setMouseTracking(true);
    plot->axisRect()->setupFullAxesBox(false);
    for (QCPAxis *axis : plot->axisRect()->axes()) {
        axis->setBasePen(QPen(palette.color(QPalette::Mid)));
        axis->setTickPen(QPen(palette.color(QPalette::Mid)));
        axis->setSubTickPen(QPen(palette.color(QPalette::Mid)));
        axis->setTickLabelColor(palette.color(QPalette::Text));
        axis->setLabelColor(palette.color(QPalette::Text));
        axis->grid()->setPen(QPen(palette.color(QPalette::Midlight), 0, Qt::DotLine));
    }
    for (QCPAxis *axis : {plot->xAxis2, plot->yAxis2}) {
        axis->setTicks(false);
        axis->setTickLabels(false);
        axis->setBasePen(QPen(palette.color(QPalette::Midlight)));
    }
    plot->legend->setBrush(QColor(255, 255, 255, 220));
    plot->legend->setBorderPen(QPen(palette.color(QPalette::Mid)));
    plot->legend->setTextColor(palette.color(QPalette::Text));
}

QCustomPlot *createPlot(QWidget *parent, const QString &objectName, const QSize &minimumSize) {
    auto *plot = new QCustomPlot(parent);
    plot->setObjectName(objectName);
    plot->setMinimumSize(minimumSize);
    stylePlot(plot);
    PresentationScale::attach(plot);
    return plot;
}

QCPTextElement *addPlotTitle(QCustomPlot *plot) {
    plot->plotLayout()->insertRow(0);
    // Relative to the widget font, so that presentation mode scales it with the axes.
    QFont font = plot->font();
    font.setBold(true);
    if (font.pointSizeF() > 0)
        font.setPointSizeF(font.pointSizeF() * 1.3);
    auto *title = new QCPTextElement(plot, QString(), font);
    title->setTextColor(plot->palette().color(QPalette::Text));
    plot->plotLayout()->addElement(0, 0, title);
    return title;
}

QCPTextElement *plotTitle(QCustomPlot *plot) {
    return qobject_cast<QCPTextElement *>(plot->plotLayout()->element(0, 0));
}

void setPlotTitle(QCustomPlot *plot, const QString &text) {
    if (QCPTextElement *title = plotTitle(plot))
        title->setText(text);
}

void setLogAxis(QCPAxis *axis, bool logarithmic) {
    if (logarithmic) {
        axis->setScaleType(QCPAxis::stLogarithmic);
        axis->setTicker(QSharedPointer<LogTicker>::create());
        axis->setNumberFormat(QStringLiteral("eb"));
        axis->setNumberPrecision(0);
    } else {
        axis->setScaleType(QCPAxis::stLinear);
        axis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        axis->setNumberFormat(QStringLiteral("gb"));
        axis->setNumberPrecision(4);
    }
}

void addReferenceLine(QCustomPlot *plot, double value, const QString &text) {
    auto *line = new QCPItemStraightLine(plot);
    line->setObjectName(QStringLiteral("reference"));
    line->point1->setTypeX(QCPItemPosition::ptAxisRectRatio);
    line->point2->setTypeX(QCPItemPosition::ptAxisRectRatio);
    line->point1->setCoords(0, value);
    line->point2->setCoords(1, value);
    line->setPen(QPen(QColor(90, 90, 90), 1.2, Qt::DashLine));
    line->setSelectable(false);
    auto *label = new QCPItemText(plot);
    label->setObjectName(QStringLiteral("referenceLabel"));
    label->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    label->position->setTypeY(QCPItemPosition::ptPlotCoords);
    label->position->setCoords(0.01, value);
    label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    label->setText(text);
    label->setColor(QColor(70, 70, 70));
    label->setSelectable(false);
}

void removeItemsNamed(QCustomPlot *plot, const QStringList &objectNames) {
    for (int i = plot->itemCount() - 1; i >= 0; --i) {
        if (objectNames.contains(plot->item(i)->objectName()))
            plot->removeItem(i);
    }
}

void enablePanAndZoom(QCustomPlot *plot, std::function<void()> resetView) {
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->axisRect()->setRangeDrag(Qt::Horizontal | Qt::Vertical);
    plot->axisRect()->setRangeZoom(Qt::Horizontal | Qt::Vertical);
    QObject::connect(plot, &QCustomPlot::mouseDoubleClick, plot,
                     [plot, resetView = std::move(resetView)](QMouseEvent *) {
                         if (resetView)
                             resetView();
                         plot->replot();
                     });
}

QCPItemText *addPlotMessage(QCustomPlot *plot, const QString &message) {
    auto *text = new QCPItemText(plot);
    text->setClipToAxisRect(false);
    text->position->setType(QCPItemPosition::ptAxisRectRatio);
    text->position->setCoords(0.5, 0.5);
    text->setPositionAlignment(Qt::AlignCenter);
    text->setTextAlignment(Qt::AlignCenter);
    text->setText(message);
    text->setColor(plot->palette().color(QPalette::PlaceholderText));
    QFont font = plot->font();
    font.setPointSizeF(font.pointSizeF() * 1.1);
    text->setFont(font);
    text->setSelectable(false);
    return text;
}

void setPlotEmpty(QCustomPlot *plot, const QString &message) {
    const bool empty = !message.isEmpty();
    plot->xAxis->setTickLabels(!empty);
    plot->yAxis->setTickLabels(!empty);
    if (empty)
        addPlotMessage(plot, message);
}

QString shortLayerName(const QString &weightName) {
    QString name = weightName;
    if (name.endsWith(QLatin1String(".weight")))
        name.chop(7);
    const int block = blockOfWeight(weightName);
    QString last = name.section(QLatin1Char('.'), -1);
    if (last.endsWith(QLatin1String("_proj")) && last.size() > 5)
        last.chop(5);
    if (block < 0)
        return last.isEmpty() ? weightName : last;
    return QString::number(block) + QLatin1Char('.') + last;
}

QString formatNumber(double value, int digits) {
    if (std::isnan(value))
        return QStringLiteral("nan");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return QString::number(value, 'g', digits);
}

QString csvField(const QString &text) {
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) &&
        !text.contains(QLatin1Char('\n')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

PlotPointer::PlotPointer(QCustomPlot *plot, HoverText hover, Click click)
    : QObject(plot)
    , m_plot(plot)
    , m_hover(std::move(hover))
    , m_click(std::move(click)) {
    plot->setMouseTracking(true);
    connect(plot, &QCustomPlot::mouseMove, this, [this](QMouseEvent *event) {
        if (event->buttons() != Qt::NoButton || !m_hover)
            return;
        const QString text = m_hover(event->position());
        m_lastHover = text;
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(event->globalPosition().toPoint(), text, m_plot);
    });
    connect(plot, &QCustomPlot::mousePress, this, [this](QMouseEvent *event) {
        m_pressed = event->button() == Qt::LeftButton;
        m_pressPosition = event->position();
    });
    connect(plot, &QCustomPlot::mouseRelease, this, [this](QMouseEvent *event) {
        if (!m_pressed || event->button() != Qt::LeftButton)
            return;
        m_pressed = false;
        if ((event->position() - m_pressPosition).manhattanLength() <= 4 && m_click)
            m_click(event->position());
    });
}

PlotPointer *PlotPointer::forItems(QCustomPlot *plot, std::function<int(const QPointF &)> itemAt,
                                   std::function<QString(int)> describe,
                                   std::function<void(int)> activate) {
    return new PlotPointer(
        plot,
        [itemAt, describe = std::move(describe)](const QPointF &pixel) {
            const int item = itemAt(pixel);
            return item < 0 ? QString() : describe(item);
        },
        [itemAt, activate = std::move(activate)](const QPointF &pixel) {
            const int item = itemAt(pixel);
            if (item >= 0)
                activate(item);
        });
}

} // namespace nwc
