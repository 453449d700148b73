#include "compressionsummarydialog.h"

#include "compressedtensormodel.h"
#include "jobs/jobinfo.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>
#include <cmath>

namespace nwc {
namespace {

QString bytesText(int64_t bytes) {
    const QLocale locale;
    if (bytes < 1024)
        return CompressionSummaryDialog::tr("%1 bytes").arg(locale.toString(qlonglong(bytes)));
    return CompressionSummaryDialog::tr("%1 (%2 bytes)")
        .arg(locale.formattedDataSize(bytes), locale.toString(qlonglong(bytes)));
}

QString percentChange(double value, double reference) {
    if (!(reference > 0.0) || !std::isfinite(value))
        return QString();
    const double change = 100.0 * (value - reference) / reference;
    return QStringLiteral("%1%2 %").arg(change >= 0 ? QStringLiteral("+") : QString(),
                                        QLocale().toString(change, 'f', 2));
}

} // namespace

CompressionSummaryDialog::CompressionSummaryDialog(const CompressionJobResult &result,
                                                   QWidget *parent)
    : QDialog(parent)
    , m_result(result)
    , m_model(new CompressedTensorModel(this))
    , m_view(new QTableView(this))
    , m_open(new QPushButton(tr("&Open Compressed Model"), this)) {
    const CompressionSummary &summary = result.summary;
    const QLocale locale;
    const QString fileName = QFileInfo(summary.outputPath).fileName();
    setWindowTitle(tr("Compressed %1").arg(fileName));

    const QString method = compressionMethodName(summary.method).toUpper();
    auto *headline = new QLabel(tr("<b>%1 bits per weight</b> (target %2) with %3 → <b>%4</b>")
                                    .arg(locale.toString(summary.achievedBitsPerWeight, 'f', 3),
                                         locale.toString(summary.targetBitsPerWeight, 'f', 2),
                                         method, fileName.toHtmlEscaped()),
                                this);
    headline->setToolTip(summary.outputPath);
    headline->setTextInteractionFlags(Qt::TextSelectableByMouse);

    // Rate and sizes, from the bytes written.
    auto *rateBox = new QGroupBox(tr("Rate and size"), this);
    auto *rate = new QFormLayout(rateBox);
    addField(rate, QStringLiteral("achieved"), tr("Achieved:"),
             tr("%1 bits per weight (target %2)")
                 .arg(locale.toString(summary.achievedBitsPerWeight, 'f', 4),
                      locale.toString(summary.targetBitsPerWeight, 'f', 2)),
             tr("8 × counted bytes / compressed weights"));
    addField(rate, QStringLiteral("counted"), tr("Counted bytes:"),
             tr("%1 for %2 weights")
                 .arg(locale.toString(qlonglong(summary.countedBytes)),
                      locale.toString(qlonglong(summary.compressedWeights))),
             tr("Bitstreams or codes, side information and a per-tensor header allowance"));
    QString estimate;
    if (summary.actualBitstreamBits > 0.0) {
        const double gap = 100.0 * (summary.estimatedBitstreamBits - summary.actualBitstreamBits) /
                           summary.actualBitstreamBits;
        estimate = tr("%1 estimated, %2 written (%3 %)")
                       .arg(locale.toString(summary.estimatedBitstreamBits, 'f', 0),
                            locale.toString(summary.actualBitstreamBits, 'f', 0),
                            locale.toString(gap, 'f', 2));
    } else {
        estimate = tr("— (%1 writes integer codes, no entropy-coded bitstream)").arg(method);
    }
    addField(rate, QStringLiteral("estimate"), tr("Bitstream bits:"), estimate,
             tr("The entropy model's code length against the bits the rANS coder wrote"));
    addField(rate, QStringLiteral("passthrough"), tr("Passthrough tensors:"),
             bytesText(summary.passthroughBytes),
             tr("Embeddings, norms and biases stored as they were; not counted in bits per "
                "weight"));
    addField(rate, QStringLiteral("codec"), tr("Codec parameters:"), bytesText(summary.codecBytes),
             tr("Network and entropy-model weights of the codecs stored in the file; not counted "
                "in bits per weight"));
    addField(rate, QStringLiteral("file"), tr("File size:"), bytesText(summary.fileBytes),
             summary.outputPath);

    // The run.
    auto *runBox = new QGroupBox(tr("Run"), this);
    auto *run = new QFormLayout(runBox);
    QString time = tr("compression %1").arg(JobInfo::formatDuration(summary.seconds));
    if (result.evaluated)
        time += tr(", evaluation %1").arg(JobInfo::formatDuration(result.evaluation.seconds));
    addField(run, QStringLiteral("time"), tr("Time:"), time);
    addField(run, QStringLiteral("memory"), tr("Peak memory:"),
             summary.peakResidentBytes > 0 ? locale.formattedDataSize(summary.peakResidentBytes)
                                           : tr("unknown"),
             tr("Peak resident memory of the whole workbench process so far"));
    addField(run, QStringLiteral("model"), tr("Source model:"), summary.sourceModel);
    const CompressionSettings &used = result.settings.compression;
    QString calibration;
    if (used.method == CompressionMethod::Rtn)
        calibration = tr("none (RTN)");
    else if (used.calibrationText.isEmpty())
        calibration = tr("demo corpus");
    else
        calibration = describeTextPath(used.calibrationText);
    addField(run, QStringLiteral("calibration"), tr("Calibration:"), calibration);
    QString codecs;
    if (used.method != CompressionMethod::Nwc)
        codecs = tr("— (%1, groups of %2)").arg(method).arg(used.groupSize);
    else if (used.codecPaths.isEmpty())
        codecs = tr("default ladder");
    else
        codecs = QFileInfo(used.codecPaths.first()).fileName();
    addField(run, QStringLiteral("codecs"), tr("Codecs:"), codecs,
             used.codecPaths.join(QLatin1Char('\n')));

    // Quality.
    auto *qualityBox = new QGroupBox(tr("Quality against the uncompressed model"), this);
    auto *quality = new QFormLayout(qualityBox);
    if (result.evaluated) {
        const CompressionEvaluation &evaluation = result.evaluation;
        addField(quality, QStringLiteral("perplexity"), tr("Perplexity:"),
                 tr("%1 compressed vs %2 original (%3)")
                     .arg(locale.toString(evaluation.compressed.perplexity, 'f', 3),
                          locale.toString(evaluation.original.perplexity, 'f', 3),
                          percentChange(evaluation.compressed.perplexity,
                                        evaluation.original.perplexity)));
        const ReferenceComparison &kl = evaluation.comparison;
        addField(quality, QStringLiteral("kl"), tr("Mean KL divergence:"),
                 tr("%1 nats (median %2, p99 %3); same top token %4 %")
                     .arg(locale.toString(kl.meanKl, 'g', 4), locale.toString(kl.medianKl, 'g', 3),
                          locale.toString(kl.p99Kl, 'g', 3),
                          locale.toString(100.0 * kl.sameTopRate, 'f', 1)),
                 tr("KL(original ‖ compressed) of the next-token distributions, averaged over "
                    "the scored positions"));
        addField(quality, QStringLiteral("evaluation"), tr("Measured on:"),
                 tr("%1: %2 bytes, %3 tokens scored; context %4, stride %5")
                     .arg(describeTextPath(evaluation.textPath),
                          locale.toString(evaluation.compressed.bytes),
                          locale.toString(evaluation.compressed.tokensScored))
                     .arg(evaluation.compressed.contextLength)
                     .arg(evaluation.compressed.stride),
                 evaluation.textPath);
    } else if (!result.evaluationError.isEmpty()) {
        addField(quality, QStringLiteral("evaluation"), tr("Not evaluated:"),
                 result.evaluationError);
    } else {
        addField(quality, QStringLiteral("evaluation"), tr("Not evaluated:"),
                 tr("turn on \"Evaluate after compressing\" to measure perplexity and KL "
                    "divergence"));
    }

    // Per-tensor table.
    m_model->setTensors(summary.tensors);
    auto *proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
    proxy->setSortRole(CompressedTensorModel::SortRole);
    m_view->setModel(proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder); // keep the model's order until a click
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(CompressedTensorModel::NameColumn,
                                                     QHeaderView::Stretch);
    auto *tableLabel = new QLabel(summary.tensors.size() == 1
                                      ? tr("1 compressed tensor:")
                                      : tr("%1 compressed tensors:").arg(summary.tensors.size()),
                                  this);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_open, QDialogButtonBox::AcceptRole);
    m_open->setToolTip(tr("Open %1 in the workbench as the current model").arg(fileName));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_open, &QPushButton::clicked, this, [this] {
        Q_EMIT openRequested(m_result.summary.outputPath);
        accept();
    });

    auto *top = new QHBoxLayout;
    top->addWidget(rateBox, 3);
    top->addWidget(runBox, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(headline);
    layout->addLayout(top);
    layout->addWidget(qualityBox);
    layout->addWidget(tableLabel);
    layout->addWidget(m_view, 1);
    layout->addWidget(buttons);
    resize(980, 720);
}

QLabel *CompressionSummaryDialog::addField(QFormLayout *form, const QString &key,
                                           const QString &label, const QString &text,
                                           const QString &toolTip) {
    auto *value = new QLabel(text, this);
    value->setObjectName(key);
    value->setTextFormat(Qt::PlainText);
    value->setWordWrap(true);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (!toolTip.isEmpty())
        value->setToolTip(toolTip);
    form->addRow(label, value);
    return value;
}

QString CompressionSummaryDialog::fieldText(const QString &key) const {
    const QLabel *label = findChild<QLabel *>(key);
    return label ? label->text() : QString();
}

} // namespace nwc
