#include "aboutbox.h"

#include "customplot.h"
#include "lm/libraryversions.h"

#include <QMessageBox>

namespace nwc {
namespace {

/// The libraries this build runs on, as an HTML paragraph.
QString libraryVersionsHtml() {
    QList<QPair<QString, QString>> versions = coreLibraryVersions();
    versions.append({QStringLiteral("QCustomPlot"), QStringLiteral(QCUSTOMPLOT_VERSION_STR)});
    QStringList parts;
    for (const auto &entry : versions)
        parts.append(
            QStringLiteral("%1 %2").arg(entry.first.toHtmlEscaped(), entry.second.toHtmlEscaped()));
    return QStringLiteral("<p><small>") + parts.join(QStringLiteral(" · ")) +
           QStringLiteral("</small></p>");
}

} // namespace

void AboutBox::show(QWidget *parent) {
    QMessageBox::about(
        parent, tr("About NWC Workbench"),
        tr("<h3>NWC Workbench %1</h3>"
           "<p>A workbench for studying what happens to language models when their weights "
           "are compressed with a learned neural codec, and what a small model gains when a "
           "large one steers its first tokens.</p>"
           "<p>Methods: <i>Neural Weight Compression</i> (arXiv 2510.11234) and "
           "<i>limited teacher supervision</i> (arXiv 2406.18002).</p>"
           "<p>Opens Hugging Face model folders, .safetensors files, llama2.c checkpoints and "
           "compressed .nwc models. "
           "Every long operation runs as a cancellable job; the command-line tool "
           "<tt>nwc</tt> runs the same jobs headless.</p>%2")
            .arg(QStringLiteral(NWC_VERSION), libraryVersionsHtml()));
}

} // namespace nwc
