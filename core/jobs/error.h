#pragma once
// User-facing errors: every failure a user can cause (bad file, wrong shapes, missing tokenizer)
// is thrown as nwc::Error with a message naming the file or tensor and what to do about it.

#include <QString>
#include <stdexcept>

namespace nwc {

/// An error caused by input the user supplied; its message is shown as-is to the user.
class Error : public std::runtime_error {
public:
    explicit Error(const QString &message)
        : std::runtime_error(message.toStdString())
        , m_message(message)
    {
    }
    /// The message, suitable for a dialog or a one-line CLI error.
    QString message() const { return m_message; }

private:
    QString m_message;
};

/// Thrown when a long operation notices that its ProgressSink was cancelled.
class Cancelled : public Error {
public:
    Cancelled()
        : Error(QStringLiteral("cancelled"))
    {
    }
};

} // namespace nwc
