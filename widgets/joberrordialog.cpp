#include "joberrordialog.h"

#include <QMessageBox>

namespace nwc {

QString JobErrorDialog::titleFor(MismatchKind kind) {
    switch (kind) {
    case MismatchKind::TokenizerMismatch:
        return tr("Tokenizers Do Not Match");
    case MismatchKind::NewerFormat:
        return tr("File From a Newer Version");
    case MismatchKind::CodecMissing:
        return tr("Codec Missing");
    case MismatchKind::UnsupportedArchitecture:
        return tr("Unsupported Architecture");
    case MismatchKind::InsufficientMemory:
        return tr("Not Enough Memory");
    }
    return QString();
}

QString JobErrorDialog::adviceFor(MismatchKind kind) {
    switch (kind) {
    case MismatchKind::TokenizerMismatch:
        return tr("Collaborative decoding mixes the two models' next-token distributions token "
                  "by token, so both must use the same tokenizer. Choose a teacher from the "
                  "same model family as the open model.");
    case MismatchKind::NewerFormat:
        return tr("The file was written by a newer version of NWC Workbench. Install that "
                  "version to open it, or export the file again with this version.");
    case MismatchKind::CodecMissing:
        return tr("The compressed checkpoint refers to a codec it does not contain, so its "
                  "tensors cannot be decoded. Export the compressed checkpoint again.");
    case MismatchKind::UnsupportedArchitecture:
        return tr("This version runs the architectures listed in the details. Open a model of "
                  "one of them.");
    case MismatchKind::InsufficientMemory:
        return tr("Close other programs or use a machine with more memory. Compressing the "
                  "model still works: compression reads one tensor at a time.");
    }
    return QString();
}

QMessageBox *JobErrorDialog::show(QWidget *parent, const QString &title, const QString &text,
                                  const JobError &error) {
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, parent);
    box->setObjectName(QStringLiteral("jobErrorDialog"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    if (error.mismatch) {
        box->setWindowTitle(titleFor(*error.mismatch));
        box->setInformativeText(adviceFor(*error.mismatch));
        if (!error.details.isEmpty())
            box->setDetailedText(error.details);
    }
    box->open();
    return box;
}

} // namespace nwc
