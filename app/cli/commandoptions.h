#pragma once
// One sub-command's options: a QCommandLineParser plus what it lacks, so that every command of
// `nwc` spells an option the same way: deprecated old spellings (read as the new name, with a
// one-line note on stderr and a mention in --help) and flags that may carry a value
// (--json or --json=FILE).

#include <QCommandLineParser>
#include <QList>
#include <QString>
#include <QStringList>

namespace nwc::cli {

/// The release in which the deprecated spellings of options stop working.
inline constexpr const char kDeprecatedSpellingsRemovedIn[] = "0.3";

/// Declares, parses and reads the options of one sub-command ("nwc <command> ...").
class CommandOptions {
public:
    /// `command` as users type it ("compress"); `description` heads its --help.
    CommandOptions(QString command, QString description);

    const QString &command() const { return m_command; }

    /// A positional argument shown in --help (see QCommandLineParser::addPositionalArgument).
    void addPositional(const QString &name, const QString &description,
                       const QString &syntax = QString());
    /// An option; its first long name is how readers name it.
    void add(const QCommandLineOption &option);
    /// add() of --name VALUE (`valueName` in --help), read as `defaultValue` when not given.
    void addValue(const QString &name, const QString &description, const QString &valueName,
                  const QString &defaultValue = QString());
    /// add() of the flag --name.
    void addFlag(const QString &name, const QString &description);
    /// `alias` (a hidden option of the same kind) is read as the added option `canonical`;
    /// using it prints a note on stderr, and `canonical`'s --help says so.
    void addDeprecatedAlias(const QString &alias, const QString &canonical);
    /// The added flag `name` may also be written --name=VALUE. With `separateValueDeprecated`,
    /// the old spelling --name VALUE (VALUE not starting with '-') is still read as
    /// --name=VALUE, with a note.
    void allowAttachedValue(const QString &name, bool separateValueDeprecated);

    /// Parses `args` (program name, command name, then the options). Returns false when the
    /// caller should return *exitCode: 0 after --help was printed, 2 after a usage error.
    bool parse(const QStringList &args, int *exitCode);
    /// parse() for a command that takes exactly one positional argument: otherwise prints
    /// "<command> expects one <what> (see 'nwc <command> --help')" and sets *exitCode to 2.
    bool parseWithOne(const QStringList &args, const QString &what, int *exitCode);
    /// Prints the usage error "<command> expects <expected> (see 'nwc <command> --help')" and
    /// returns 2, the exit code of a usage error.
    int usageError(const QString &expected) const;

    /// Whether `name` (or one of its deprecated spellings) was given.
    bool isSet(const QString &name) const;
    /// The value of `name` or of its deprecated spelling (its default when neither is given).
    /// Throws nwc::Error when both spellings are given.
    QString value(const QString &name) const;
    /// Every value of a repeatable option, under either spelling.
    QStringList values(const QString &name) const;
    /// The VALUE of --name=VALUE for an attached-value flag; empty when not given so.
    QString attachedValue(const QString &name) const;
    QStringList positionalArguments() const { return m_parser.positionalArguments(); }

    /// Typed reads; a malformed value throws nwc::Error naming the option as the user spelled it.
    int intValue(const QString &name) const;
    qint64 int64Value(const QString &name) const;
    quint64 uint64Value(const QString &name) const;
    double doubleValue(const QString &name) const;

    /// The spelling the user wrote for `name` ("--text" for a deprecated alias of
    /// --calib-text), for error messages.
    QString spelling(const QString &name) const;
    /// The --help text, with the program shown as "nwc <command>".
    QString helpText() const;

private:
    struct Alias {
        QString alias;
        QString canonical;
    };
    struct Attached {
        QString name;
        bool separateValueDeprecated = false;
        QString value;
    };

    /// The alias of `name` the user gave, if any.
    const Alias *givenAlias(const QString &name) const;
    QStringList extractAttachedValues(const QStringList &args);
    void printDeprecationNote(const QString &used, const QString &instead) const;

    QString m_command;
    QCommandLineParser m_parser;
    QList<QCommandLineOption> m_options;
    QList<Alias> m_aliases;
    QList<Attached> m_attached;
    bool m_built = false;
};

} // namespace nwc::cli
