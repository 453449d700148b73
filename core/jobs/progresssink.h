#pragma once
// Progress reporting and cancellation for long operations. Every long core function takes a
// ProgressSink* (may be null) so it runs the same from the CLI, a test, or a GUI worker thread.

#include <QString>
#include <atomic>
#include <functional>

namespace nwc {

/// Receives progress from a long operation and tells it whether to stop.
class ProgressSink {
public:
    virtual ~ProgressSink() = default;
    /// fraction in [0, 1]; message describes the current step ("layer 3/12").
    virtual void report(double fraction, const QString &message) = 0;
    /// Asked at least once per tensor, chunk batch or token; true means stop (throw
    /// nwc::Cancelled).
    virtual bool cancelled() const = 0;
};

/// Reports progress to a callback; cancellation via an atomic flag.
class CallbackProgress : public ProgressSink {
public:
    using Callback = std::function<void(double, const QString &)>;
    explicit CallbackProgress(Callback callback = {})
        : m_callback(std::move(callback)) {}
    void report(double fraction, const QString &message) override {
        if (m_callback)
            m_callback(fraction, message);
    }
    bool cancelled() const override { return m_cancelled.load(); }
    void cancel() { m_cancelled.store(true); }

private:
    Callback m_callback;
    std::atomic<bool> m_cancelled{false};
};

/// One phase of a longer job: maps its [0, 1] onto [begin, end] of `parent` (may be null),
/// prefixing messages with `prefix` when given; cancellation is the parent's.
class PhaseProgress : public ProgressSink {
public:
    PhaseProgress(ProgressSink *parent, double begin, double end, QString prefix = QString())
        : m_parent(parent)
        , m_begin(begin)
        , m_end(end)
        , m_prefix(std::move(prefix)) {}
    void report(double fraction, const QString &message) override;
    bool cancelled() const override { return m_parent && m_parent->cancelled(); }

private:
    ProgressSink *m_parent;
    double m_begin;
    double m_end;
    QString m_prefix;
};

/// Helpers that accept a null sink.
inline void reportProgress(ProgressSink *sink, double fraction, const QString &message) {
    if (sink)
        sink->report(fraction, message);
}
/// Throws nwc::Cancelled when the sink asks to stop.
void throwIfCancelled(const ProgressSink *sink);

} // namespace nwc
