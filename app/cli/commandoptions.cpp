#include "cli/commandoptions.h"

#include "cli/clioutput.h"
#include "jobs/error.h"

#include <QCoreApplication>
#include <QSet>
#include <QTextStream>

#include <type_traits>

namespace nwc::cli {
namespace {

QCommandLineOption helpOption() {
    return QCommandLineOption({QStringLiteral("h"), QStringLiteral("help")},
                              QStringLiteral("Show this help."));
}

QString dashed(const QString &name) {
    return (name.size() == 1 ? QStringLiteral("-") : QStringLiteral("--")) + name;
}

/// `text` as a T; *ok tells whether it is one.
template <typename T> T parsed(const QString &text, bool *ok) {
    if constexpr (std::is_same_v<T, int>)
        return text.toInt(ok);
    else if constexpr (std::is_same_v<T, qint64>)
        return text.toLongLong(ok);
    else if constexpr (std::is_same_v<T, quint64>)
        return text.toULongLong(ok);
    else
        return text.toDouble(ok);
}

/// The value of `name` as a T; throws naming the option as the user spelled it and what it
/// `expected`.
template <typename T>
T converted(const CommandOptions &options, const QString &name, const char *expected) {
    bool ok = false;
    const QString text = options.value(name);
    const T result = parsed<T>(text, &ok);
    if (!ok)
        throw Error(QStringLiteral("%1 expects %2, got '%3'")
                        .arg(options.spelling(name), QLatin1String(expected), text));
    return result;
}

} // namespace

CommandOptions::CommandOptions(QString command, QString description)
    : m_command(std::move(command)) {
    m_parser.setApplicationDescription(description);
}

void CommandOptions::addPositional(const QString &name, const QString &description,
                                   const QString &syntax) {
    m_parser.addPositionalArgument(name, description, syntax);
}

void CommandOptions::add(const QCommandLineOption &option) {
    m_options.append(option);
}

void CommandOptions::addValue(const QString &name, const QString &description,
                              const QString &valueName, const QString &defaultValue) {
    add(QCommandLineOption(name, description, valueName, defaultValue));
}

void CommandOptions::addFlag(const QString &name, const QString &description) {
    add(QCommandLineOption(name, description));
}

void CommandOptions::addDeprecatedAlias(const QString &alias, const QString &canonical) {
    m_aliases.append({alias, canonical});
}

void CommandOptions::allowAttachedValue(const QString &name, bool separateValueDeprecated) {
    m_attached.append({name, separateValueDeprecated, QString()});
}

QStringList CommandOptions::extractAttachedValues(const QStringList &args) {
    // Options that take a value consume the next argument; it is never read as an option.
    QSet<QString> takesValue;
    for (const QCommandLineOption &option : std::as_const(m_options)) {
        if (!option.valueName().isEmpty()) {
            for (const QString &name : option.names())
                takesValue.insert(dashed(name));
        }
    }
    for (const Alias &alias : std::as_const(m_aliases)) {
        for (const QCommandLineOption &option : std::as_const(m_options)) {
            if (option.names().contains(alias.canonical) && !option.valueName().isEmpty())
                takesValue.insert(dashed(alias.alias));
        }
    }
    QStringList rest = args.mid(0, 1);
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        if (arg == QLatin1String("--")) {
            rest += args.mid(i);
            break;
        }
        bool handled = false;
        for (Attached &attached : m_attached) {
            const QString flag = dashed(attached.name);
            if (arg.startsWith(flag + QLatin1Char('='))) {
                attached.value = arg.mid(flag.size() + 1);
                rest.append(flag);
                handled = true;
            } else if (arg == flag && attached.separateValueDeprecated && i + 1 < args.size() &&
                       !args.at(i + 1).startsWith(QLatin1Char('-'))) {
                attached.value = args.at(++i);
                printDeprecationNote(flag + QStringLiteral(" FILE"),
                                     flag + QStringLiteral("=FILE"));
                rest.append(flag);
                handled = true;
            }
        }
        if (handled)
            continue;
        rest.append(arg);
        if (takesValue.contains(arg) && i + 1 < args.size())
            rest.append(args.at(++i));
    }
    return rest;
}

bool CommandOptions::parseWithOne(const QStringList &args, const QString &what, int *exitCode) {
    if (!parse(args, exitCode))
        return false;
    if (positionalArguments().size() == 1)
        return true;
    *exitCode = usageError(QStringLiteral("one ") + what);
    return false;
}

int CommandOptions::usageError(const QString &expected) const {
    printError(QStringLiteral("%1 expects %2 (see 'nwc %1 --help')").arg(m_command, expected));
    return 2;
}

bool CommandOptions::parse(const QStringList &args, int *exitCode) {
    if (!m_built) {
        m_built = true;
        for (QCommandLineOption option : std::as_const(m_options)) {
            QString description = option.description();
            for (const Alias &alias : std::as_const(m_aliases)) {
                if (option.names().contains(alias.canonical))
                    description += QStringLiteral(" (%1 in %2: deprecated alias of %3, removed in "
                                                  "%4)")
                                       .arg(dashed(alias.alias), m_command, dashed(alias.canonical),
                                            QLatin1String(kDeprecatedSpellingsRemovedIn));
            }
            for (const Attached &attached : std::as_const(m_attached)) {
                if (option.names().contains(attached.name) && attached.separateValueDeprecated)
                    description += QStringLiteral(" (%1 FILE in %2: deprecated spelling of "
                                                  "%1=FILE, removed in %3)")
                                       .arg(dashed(attached.name), m_command,
                                            QLatin1String(kDeprecatedSpellingsRemovedIn));
            }
            option.setDescription(description);
            m_parser.addOption(option);
        }
        for (const Alias &alias : std::as_const(m_aliases)) {
            for (const QCommandLineOption &option : std::as_const(m_options)) {
                if (!option.names().contains(alias.canonical))
                    continue;
                QCommandLineOption hidden(alias.alias, option.description(), option.valueName());
                hidden.setFlags(QCommandLineOption::HiddenFromHelp);
                m_parser.addOption(hidden);
            }
        }
        m_parser.addOption(helpOption());
    }
    const QCommandLineOption help = helpOption();
    QStringList rest = args;
    if (rest.size() >= 2) {
        // "nwc generate ..." -> parse as if the program were "nwc generate".
        rest[0] = rest.at(0) + QLatin1Char(' ') + rest.at(1);
        rest.removeAt(1);
    }
    if (!m_parser.parse(extractAttachedValues(rest))) {
        printError(m_parser.errorText() + QStringLiteral(" (see 'nwc %1 --help')").arg(m_command));
        *exitCode = 2;
        return false;
    }
    if (m_parser.isSet(help)) {
        QTextStream(stdout) << helpText();
        *exitCode = 0;
        return false;
    }
    for (const Alias &alias : std::as_const(m_aliases)) {
        if (m_parser.isSet(alias.alias))
            printDeprecationNote(dashed(alias.alias), dashed(alias.canonical));
    }
    return true;
}

QString CommandOptions::helpText() const {
    // Qt writes the program path into the usage line; show the command as users type it.
    QString text = m_parser.helpText();
    const QString program = QCoreApplication::arguments().value(0);
    const qsizetype at = program.isEmpty() ? -1 : text.indexOf(program);
    if (at >= 0)
        text.replace(at, program.size(), QStringLiteral("nwc ") + m_command);
    return text;
}

void CommandOptions::printDeprecationNote(const QString &used, const QString &instead) const {
    QTextStream(stderr) << "nwc: note: " << used << " is a deprecated spelling in 'nwc "
                        << m_command << "': write " << instead << " (the old spelling is removed "
                        << "in " << kDeprecatedSpellingsRemovedIn << ")\n";
}

const CommandOptions::Alias *CommandOptions::givenAlias(const QString &name) const {
    for (const Alias &alias : m_aliases) {
        if (alias.canonical == name && m_parser.isSet(alias.alias))
            return &alias;
    }
    return nullptr;
}

bool CommandOptions::isSet(const QString &name) const {
    return m_parser.isSet(name) || givenAlias(name) != nullptr;
}

QString CommandOptions::value(const QString &name) const {
    const Alias *alias = givenAlias(name);
    if (!alias)
        return m_parser.value(name);
    if (m_parser.isSet(name))
        throw Error(QStringLiteral("%1 and its deprecated spelling %2 are both given; give only "
                                   "%1")
                        .arg(dashed(name), dashed(alias->alias)));
    return m_parser.value(alias->alias);
}

QStringList CommandOptions::values(const QString &name) const {
    QStringList all = m_parser.values(name);
    for (const Alias &alias : m_aliases) {
        if (alias.canonical == name)
            all += m_parser.values(alias.alias);
    }
    return all;
}

QString CommandOptions::attachedValue(const QString &name) const {
    for (const Attached &attached : m_attached) {
        if (attached.name == name)
            return attached.value;
    }
    return QString();
}

QString CommandOptions::spelling(const QString &name) const {
    const Alias *alias = givenAlias(name);
    return dashed(alias ? alias->alias : name);
}

int CommandOptions::intValue(const QString &name) const {
    return converted<int>(*this, name, "an integer");
}

qint64 CommandOptions::int64Value(const QString &name) const {
    return converted<qint64>(*this, name, "an integer");
}

quint64 CommandOptions::uint64Value(const QString &name) const {
    return converted<quint64>(*this, name, "a non-negative integer");
}

double CommandOptions::doubleValue(const QString &name) const {
    return converted<double>(*this, name, "a number");
}

} // namespace nwc::cli
