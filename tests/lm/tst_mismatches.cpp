// Inputs that do not fit together, or do not fit this build or machine, are refused with a
// MismatchError of the right kind whose message names the file and whose details give the facts
// behind it: another tokenizer, a .nwc from a newer format version, a .nwc whose codec is
// missing, an unsupported architecture, a model larger than the memory available.

#include "analysis/compressionmemory.h"
#include "analysis/compressionplan.h"
#include "analysis/modelcompressor.h"
#include "codec/nwccontainer.h"
#include "decode/tokenizercompatibility.h"
#include "io/checkpoint.h"
#include "io/h5util.h"
#include "io/modelconfig.h"
#include "jobs/memorybudget.h"
#include "jobs/memoryplan.h"
#include "jobs/mismatcherror.h"
#include "lm/languagemodel.h"
#include "lm/runtimememory.h"
#include "scopedenvironment.h"
#include "swappedtokenizermodel.h"
#include "text/tokenizer.h"

#include <H5Cpp.h>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <functional>

using namespace nwc;

namespace {

/// Runs `body`, which must throw a MismatchError; returns it (a default one after QFAIL).
MismatchError mismatchOf(const std::function<void()> &body) {
    try {
        body();
    } catch (const MismatchError &error) {
        return error;
    } catch (const Error &error) {
        qWarning("threw a plain nwc::Error: %s", qPrintable(error.message()));
    }
    return MismatchError(MismatchKind::CodecMissing, QString(), QString());
}

} // namespace

class TestMismatches : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void otherTokenizer() {
        const LanguageModelPtr student = LanguageModel::load(QStringLiteral("demo:student"));
        // The same vocabulary with two tokens swapped: equal size, different ids.
        const QString folder = testing::writeSwappedTokenizerModel(
            QStringLiteral("demo:student"), m_dir.filePath(QStringLiteral("swapped")));
        QVERIFY(!folder.isEmpty());
        const auto other = Tokenizer::load(folder + QStringLiteral("/tokenizer.json"), QString());

        const MismatchError error = mismatchOf([&] {
            requireCompatibleTokenizers(student->tokenizer(), *other,
                                        QStringLiteral("demo:student"), QStringLiteral("swapped"));
        });
        QCOMPARE(error.kind(), MismatchKind::TokenizerMismatch);
        QVERIFY2(error.message().contains(QLatin1String("the token at index 100")),
                 qPrintable(error.message()));
        const QString details = error.details();
        QVERIFY2(details.contains(QLatin1String("student (demo:student):")) &&
                     details.contains(QLatin1String("teacher (swapped):")) &&
                     details.contains(QLatin1String("first difference: the token at index 100")),
                 qPrintable(details));
        QCOMPARE(details.count(QStringLiteral("%1 tokens").arg(student->tokenizer().vocabSize())),
                 2);
    }

    void newerContainerFormat() {
        const QString file = compressedStudent(QStringLiteral("future.nwc"));
        {
            h5::silenceErrors();
            H5::H5File h5(file.toStdString(), H5F_ACC_RDWR);
            h5::setAttribute(h5, QStringLiteral("format_version"), int64_t(9));
        }
        const MismatchError error = mismatchOf([&] { Checkpoint::open(file); });
        QCOMPARE(error.kind(), MismatchKind::NewerFormat);
        QVERIFY2(error.message().contains(file), qPrintable(error.message()));
        QVERIFY2(
            error.details().contains(QLatin1String("container format version: 9")) &&
                error.details().contains(QStringLiteral("reads container format versions 1 to %1")
                                             .arg(kNwcFormatVersion)),
            qPrintable(error.details()));
    }

    void missingCodec() {
        const QString file = compressedStudent(QStringLiteral("nocodec.nwc"));
        QString removed;
        {
            h5::silenceErrors();
            H5::H5File h5(file.toStdString(), H5F_ACC_RDWR);
            H5::Group codecs = h5.openGroup("codecs");
            QVERIFY(codecs.getNumObjs() >= 1);
            removed = QString::fromStdString(codecs.getObjnameByIdx(0));
            codecs.unlink(removed.toStdString());
        }
        const MismatchError error = mismatchOf([&] {
            const CheckpointPtr checkpoint = Checkpoint::open(file);
            for (const TensorInfo &tensor : checkpoint->tensors())
                checkpoint->readFloat32(tensor.name);
        });
        QCOMPARE(error.kind(), MismatchKind::CodecMissing);
        QVERIFY2(error.message().contains(file) && error.message().contains(removed),
                 qPrintable(error.message()));
        QVERIFY2(error.details().contains(QStringLiteral("codec needed: %1").arg(removed)),
                 qPrintable(error.details()));
    }

    void unsupportedArchitecture() {
        QJsonObject json;
        json[QLatin1String("architectures")] = QJsonArray{QStringLiteral("MambaForCausalLM")};
        json[QLatin1String("model_type")] = QStringLiteral("mamba");
        const MismatchError error =
            mismatchOf([&] { ModelConfig::fromJson(json, QStringLiteral("/m/config.json")); });
        QCOMPARE(error.kind(), MismatchKind::UnsupportedArchitecture);
        QVERIFY2(error.message().contains(QLatin1String("/m/config.json")) &&
                     error.message().contains(QLatin1String("MambaForCausalLM")),
                 qPrintable(error.message()));
        QVERIFY2(error.details().contains(QLatin1String("\"model_type\": mamba")) &&
                     error.details().contains(QLatin1String("LlamaForCausalLM")),
                 qPrintable(error.details()));
    }

    void modelLargerThanMemory() {
        // demo:teacher has 3.16 M float32 parameters (about 12.6 MB at run time).
        {
            const testing::ScopedEnvironment limit("NWC_MEMORY_LIMIT", "4M");
            QCOMPARE(availableMemoryBytes(), int64_t(4) * 1024 * 1024);
            const MismatchError error =
                mismatchOf([] { LanguageModel::load(QStringLiteral("demo:teacher")); });
            QCOMPARE(error.kind(), MismatchKind::InsufficientMemory);
            QVERIFY2(error.message().contains(QLatin1String("teacher")) &&
                         error.message().contains(QLatin1String("4.19 MB is available")),
                     qPrintable(error.message()));
            QVERIFY2(error.details().contains(QLatin1String("memory available: 4.19 MB (4194304 "
                                                            "bytes), set by NWC_MEMORY_LIMIT")),
                     qPrintable(error.details()));
        }
        {
            const testing::ScopedEnvironment limit("NWC_MEMORY_LIMIT", "64M");
            QVERIFY(LanguageModel::load(QStringLiteral("demo:teacher")));
        }
        {
            const testing::ScopedEnvironment limit("NWC_MEMORY_LIMIT", "lots");
            QVERIFY_THROWS_EXCEPTION(Error, availableMemoryBytes());
        }
        // Without the variable the machine's own figure is used.
        QVERIFY(availableMemoryBytes() > 0);
    }

    void memoryPlanPeak() {
        MemoryPlan plan;
        QCOMPARE(plan.peakBytes(), int64_t(0));
        plan.addPhase(QStringLiteral("loading")).items = {{QStringLiteral("weights"), 300}};
        plan.addPhase(QStringLiteral("working")).items = {{QStringLiteral("weights"), 300},
                                                          {QStringLiteral("scratch"), 200}};
        plan.addPhase(QStringLiteral("writing")).items = {{QStringLiteral("output"), 100}};
        QCOMPARE(plan.peak()->name, QStringLiteral("working"));
        QCOMPARE(plan.peakBytes(), int64_t(500));
        QCOMPARE(plan.describe(),
                 QStringLiteral("loading: 300 bytes\n  weights: 300 bytes\nworking: 500 bytes\n"
                                "  weights: 300 bytes\n  scratch: 200 bytes\nwriting: 100 bytes\n"
                                "  output: 100 bytes"));
        const testing::ScopedEnvironment limit("NWC_MEMORY_LIMIT", "400");
        const MismatchError error =
            mismatchOf([&] { requireMemoryPlan(plan, QStringLiteral("a job")); });
        QCOMPARE(error.kind(), MismatchKind::InsufficientMemory);
        QVERIFY2(error.message().startsWith(QLatin1String(
                     "a job would need 500 bytes of memory while working, but only 400 bytes is "
                     "available (set by NWC_MEMORY_LIMIT); the largest part is weights")),
                 qPrintable(error.message()));
        QVERIFY2(error.details().endsWith(plan.describe()), qPrintable(error.details()));
        plan.phases[1].items.pop_back();
        requireMemoryPlan(plan, QStringLiteral("a job")); // 300 bytes fit
    }

    void compressionLargerThanMemory() {
        // GPTQ on demo:teacher: loading the runtime alone (14.75 MB) would fit into 16 MB, but
        // calibration also holds the windows' hidden states, activations and H: refused before
        // any work, and no file is written.
        const QString file = m_dir.filePath(QStringLiteral("refused.nwc"));
        CompressionSettings settings;
        settings.method = CompressionMethod::Gptq;
        settings.targetBitsPerWeight = 4.0;
        {
            const testing::ScopedEnvironment limit("NWC_MEMORY_LIMIT", "16M");
            const MismatchError error =
                mismatchOf([&] { compressModel(QStringLiteral("demo:teacher"), settings, file); });
            QCOMPARE(error.kind(), MismatchKind::InsufficientMemory);
            QVERIFY2(error.message().startsWith(
                         QLatin1String("compressing teacher with GPTQ to 4 bits per weight would "
                                       "need ")) &&
                         error.message().contains(QLatin1String("while calibrating")),
                     qPrintable(error.message()));
            QVERIFY2(error.details().contains(QLatin1String("  runtime of teacher: 14.75 MB")) &&
                         error.details().contains(QLatin1String("\ncoding: ")),
                     qPrintable(error.details()));
        }
        QVERIFY(!QFile::exists(file));

        // The phases add up what they hold; with the model already open, calibration does not
        // count a second runtime.
        CompressionPlan plan = planCompression(QStringLiteral("demo:teacher"), settings, file);
        const MemoryPlan own = compressionMemoryPlan(plan, true);
        QCOMPARE(int(own.phases.size()), 3);
        QCOMPARE(own.phases[0].name, QStringLiteral("calibrating"));
        QCOMPARE(own.phases[0].items[0].bytes, runtimeBytes(*plan.checkpoint, {}));
        QCOMPARE(own.phases[2].name, QStringLiteral("evaluating the result"));
        plan.openModel = LanguageModel::load(QStringLiteral("demo:teacher"));
        const MemoryPlan shared = compressionMemoryPlan(plan, true);
        QCOMPARE(shared.phases[0].bytes(), own.phases[0].bytes() - own.phases[0].items[0].bytes);
        QCOMPARE(shared.phases[2].bytes(),
                 own.phases[2].bytes() - runtimeBytes(*plan.checkpoint, {}));
        // Fine-tuning adds a phase with a private runtime (held as the runtime holds it; one
        // block at a time in float32).
        plan.settings.method = CompressionMethod::Nwc;
        plan.settings.compensation.fineTune = true;
        const MemoryPlan tuning = compressionMemoryPlan(plan, false);
        QCOMPARE(tuning.phases.back().name, QStringLiteral("fine-tuning"));
        QCOMPARE(tuning.phases.back().items[0].bytes, runtimeBytes(*plan.checkpoint, {}));
    }

private:
    /// demo:student compressed at 4 bits per weight into the scratch folder.
    QString compressedStudent(const QString &name) {
        const QString file = m_dir.filePath(name);
        CompressionSettings settings;
        settings.targetBitsPerWeight = 4.0;
        compressModel(QStringLiteral("demo:student"), settings, file);
        return file;
    }

    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestMismatches)
#include "tst_mismatches.moc"
