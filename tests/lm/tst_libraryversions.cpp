// The library versions the About dialog lists are the ones this build was compiled against.
#include "lm/libraryversions.h"

#include <H5public.h>
#include <torch/version.h>

#include <QtTest>

using namespace nwc;

class TestLibraryVersions : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void listsTorchHdf5AndQt() {
        const QList<QPair<QString, QString>> versions = coreLibraryVersions();
        QCOMPARE(versions.size(), 3);
        QCOMPARE(versions.at(0).first, QStringLiteral("Qt"));
        QCOMPARE(versions.at(0).second, QString::fromLatin1(qVersion()));
        QCOMPARE(versions.at(1).first, QStringLiteral("LibTorch"));
        QCOMPARE(versions.at(1).second, QStringLiteral("%1.%2.%3")
                                            .arg(TORCH_VERSION_MAJOR)
                                            .arg(TORCH_VERSION_MINOR)
                                            .arg(TORCH_VERSION_PATCH));
        QCOMPARE(versions.at(2).first, QStringLiteral("HDF5"));
        QCOMPARE(
            versions.at(2).second,
            QStringLiteral("%1.%2.%3").arg(H5_VERS_MAJOR).arg(H5_VERS_MINOR).arg(H5_VERS_RELEASE));
    }
};

QTEST_GUILESS_MAIN(TestLibraryVersions)
#include "tst_libraryversions.moc"
