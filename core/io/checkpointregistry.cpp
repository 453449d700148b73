#include "io/checkpointregistry.h"

#include "io/builtinformats.h"

#include <QFileInfo>

namespace nwc {

CheckpointRegistry &CheckpointRegistry::instance() {
    static CheckpointRegistry registry;
    return registry;
}

CheckpointRegistry::CheckpointRegistry() {
    addBuiltinFormats(*this);
}

bool CheckpointRegistry::add(std::unique_ptr<CheckpointOpener> opener) {
    const std::lock_guard<std::mutex> lock(m_mutex);
    for (const std::unique_ptr<CheckpointOpener> &known : m_openers) {
        if (known->id() == opener->id())
            return false;
    }
    m_openers.push_back(std::move(opener));
    return true;
}

QVector<const CheckpointOpener *> CheckpointRegistry::formats() const {
    const std::lock_guard<std::mutex> lock(m_mutex);
    QVector<const CheckpointOpener *> formats;
    for (const std::unique_ptr<CheckpointOpener> &opener : m_openers)
        formats.append(opener.get());
    return formats;
}

const CheckpointOpener *CheckpointRegistry::find(const QString &id) const {
    for (const CheckpointOpener *opener : formats()) {
        if (opener->id() == id)
            return opener;
    }
    return nullptr;
}

const CheckpointOpener *CheckpointRegistry::formatFor(const QFileInfo &path) const {
    const CheckpointOpener *best = nullptr;
    Recognition bestRecognition = Recognition::No;
    for (const CheckpointOpener *opener : formats()) {
        const Recognition recognition = opener->recognize(path);
        if (recognition > bestRecognition) {
            best = opener;
            bestRecognition = recognition;
        }
        if (bestRecognition == Recognition::Certain)
            break; // an equally sure format registered later does not win
    }
    return best;
}

} // namespace nwc
