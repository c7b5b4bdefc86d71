// MuE Studio's translations: the compiled catalogues are embedded in mue_studio under :/i18n
// and translate what the committed .ts files say, and every string the current sources mark
// for translation (app/studio, widgets) has a finished translation in every committed .ts file.
// The second check runs lupdate over the sources into a temporary .ts and compares it with the
// committed one, so a new or changed tr() string without a translation fails here.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QLocale>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

#include <utility>

#ifndef MUE_SOURCE_DIR
#error "MUE_SOURCE_DIR must name the source tree"
#endif

namespace {

const QStringList kLanguages{QStringLiteral("ja"), QStringLiteral("zh_CN")};

// One <message> of a .ts file.
struct TsMessage {
    QString context;
    QString source;
    QString comment;  // the disambiguation, part of the key
    bool numerus = false;
    bool finished = false;  // translation present, not unfinished/vanished/obsolete, no empty form
    QStringList forms;      // the translation, or its numerus forms
};

using MessageKey = QPair<QString, QPair<QString, QString>>;  // context, source, comment

MessageKey keyOf(const TsMessage& m) { return {m.context, {m.source, m.comment}}; }

QString describe(const TsMessage& m)
{
    QString text = m.source;
    text.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
    QString d = QStringLiteral("[%1] \"%2\"").arg(m.context, text);
    if (!m.comment.isEmpty()) d += QStringLiteral(" (comment: %1)").arg(m.comment);
    return d;
}

// Parses a Qt Linguist .ts file; an empty optional-like result with *error set on failure.
QList<TsMessage> readTs(const QString& path, QString* error)
{
    QList<TsMessage> messages;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot open %1: %2").arg(path, file.errorString());
        return messages;
    }
    QXmlStreamReader xml(&file);
    QString context;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement()) continue;
        if (xml.name() == QLatin1String("context")) {
            context.clear();
        } else if (xml.name() == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (xml.name() == QLatin1String("message")) {
            TsMessage m;
            m.context = context;
            m.numerus = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
            bool hasTranslation = false;
            QString type;
            while (!(xml.isEndElement() && xml.name() == QLatin1String("message")) && !xml.atEnd()) {
                xml.readNext();
                if (!xml.isStartElement()) continue;
                if (xml.name() == QLatin1String("source")) {
                    m.source = xml.readElementText();
                } else if (xml.name() == QLatin1String("comment")) {
                    m.comment = xml.readElementText();
                } else if (xml.name() == QLatin1String("translation")) {
                    hasTranslation = true;
                    type = xml.attributes().value(QLatin1String("type")).toString();
                    if (m.numerus) {
                        while (!(xml.isEndElement() && xml.name() == QLatin1String("translation")) &&
                               !xml.atEnd()) {
                            xml.readNext();
                            if (xml.isStartElement() && (xml.name() == QLatin1String("numerusform") ||
                                                         xml.name() == QLatin1String("lengthvariant")))
                                m.forms << xml.readElementText();
                        }
                    } else {
                        m.forms << xml.readElementText(QXmlStreamReader::IncludeChildElements);
                    }
                }
            }
            bool allFilled = !m.forms.isEmpty();
            for (const QString& form : std::as_const(m.forms))
                allFilled = allFilled && !form.isEmpty();
            m.finished = hasTranslation && type.isEmpty() && allFilled;
            messages << m;
        }
    }
    if (xml.hasError()) {
        *error = QStringLiteral("%1:%2: %3").arg(path).arg(xml.lineNumber()).arg(xml.errorString());
        messages.clear();
    }
    return messages;
}

QString committedTs(const QString& language)
{
    return QStringLiteral(MUE_SOURCE_DIR "/translations/mue-studio_%1.ts").arg(language);
}

// The files qt_add_translations hands lupdate (app/CMakeLists.txt globs the same patterns).
QStringList translatableSources()
{
    const QStringList code{QStringLiteral("*.cpp"), QStringLiteral("*.hpp")};
    const QStringList dirs{QStringLiteral(MUE_SOURCE_DIR "/app/studio"), QStringLiteral(MUE_SOURCE_DIR "/widgets/src"),
                           QStringLiteral(MUE_SOURCE_DIR "/widgets/include/mue_widgets")};
    QStringList files;
    for (const QString& dir : dirs) {
        const QFileInfoList entries = QDir(dir).entryInfoList(code, QDir::Files, QDir::Name);
        for (const QFileInfo& entry : entries) files << entry.absoluteFilePath();
    }
    return files;
}

QString findLupdate()
{
    const QStringList candidates{
        QLibraryInfo::path(QLibraryInfo::BinariesPath) + QStringLiteral("/lupdate"),
        QLibraryInfo::path(QLibraryInfo::LibraryExecutablesPath) + QStringLiteral("/lupdate"),
        QStringLiteral("/usr/lib/qt6/bin/lupdate"),
        QStandardPaths::findExecutable(QStringLiteral("lupdate6")),
        QStandardPaths::findExecutable(QStringLiteral("lupdate-qt6")),
    };
    for (const QString& candidate : candidates)
        if (!candidate.isEmpty() && QFileInfo(candidate).isExecutable()) return candidate;
    return {};
}

QStringList placeholders(const QString& text)
{
    static const QRegularExpression re(QStringLiteral("%(\\d+|n)"));
    QStringList found;
    auto it = re.globalMatch(text);
    while (it.hasNext()) found << it.next().captured(0);
    found.sort();
    return found;
}

}  // namespace

class TstTranslations : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void embeddedCatalogues_data();
    void embeddedCatalogues();
    void embeddedMatchesCommitted_data();
    void embeddedMatchesCommitted();
    void placeholdersKept_data();
    void placeholdersKept();
    void everySourceStringTranslated_data();
    void everySourceStringTranslated();
};

void TstTranslations::embeddedCatalogues_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("run");
    QTest::addColumn<QString>("caption");
    QTest::addColumn<QString>("advanced");
    QTest::addColumn<QString>("threads");
    QTest::newRow("ja") << QStringLiteral("ja") << QString::fromUtf8("ファイル(&F)")
                        << QString::fromUtf8("実行")
                        << QString::fromUtf8("キャプション")
                        << QString::fromUtf8("詳細設定")
                        << QString::fromUtf8("CPU · 4 スレッド");
    QTest::newRow("zh_CN") << QStringLiteral("zh_CN") << QString::fromUtf8("文件(&F)")
                           << QString::fromUtf8("运行")
                           << QString::fromUtf8("图像描述")
                           << QString::fromUtf8("高级")
                           << QString::fromUtf8("CPU · 4 个线程");
}

// Loaded the way main() does it: locale, "mue-studio", "_", ":/i18n".
void TstTranslations::embeddedCatalogues()
{
    QFETCH(QString, language);
    QFETCH(QString, file);
    QFETCH(QString, run);
    QFETCH(QString, caption);
    QFETCH(QString, advanced);
    QFETCH(QString, threads);

    QVERIFY2(QFile::exists(QStringLiteral(":/i18n/mue-studio_%1.qm").arg(language)),
             "the compiled catalogue is not embedded: qt_add_translations' resource is not linked");
    QTranslator translator;
    QVERIFY(translator.load(QLocale(language), QStringLiteral("mue-studio"), QStringLiteral("_"),
                            QStringLiteral(":/i18n")));
    QCOMPARE(translator.language(), language);
    QCOMPARE(translator.translate("mue::studio::MainWindow", "&File"), file);
    QCOMPARE(translator.translate("mue::studio::MainWindow", "Run"), run);
    QCOMPARE(translator.translate("mue::studio::HistoryModel", "Caption"), caption);
    QCOMPARE(translator.translate("mue::widgets::ThresholdPanel", "Advanced"), advanced);
    // Every context is the runtime class name (Palette is a QCoreApplication::translate context).
    QVERIFY(!translator.translate("mue::widgets::ExitDiagram", "skipped").isEmpty());
    QVERIFY(!translator.translate("mue::widgets::Palette", "decoder").isEmpty());
    QVERIFY(!translator.translate("mue::studio::AboutDialog", "About MuE").isEmpty());
    QCOMPARE(translator.translate("mue::studio::MainWindow", "CPU · %n thread(s)", nullptr, 4)
                 .replace(QStringLiteral("%n"), QStringLiteral("4")),
             threads);
    // Installed, it is what tr() returns.
    QVERIFY(QCoreApplication::installTranslator(&translator));
    QCOMPARE(QCoreApplication::translate("mue::studio::MainWindow", "&File"), file);
    QVERIFY(QCoreApplication::removeTranslator(&translator));
}

void TstTranslations::embeddedMatchesCommitted_data()
{
    QTest::addColumn<QString>("language");
    for (const QString& language : kLanguages) QTest::newRow(qPrintable(language)) << language;
}

// The embedded .qm is the committed .ts compiled: every finished message translates to it.
void TstTranslations::embeddedMatchesCommitted()
{
    QFETCH(QString, language);
    QString error;
    const QList<TsMessage> messages = readTs(committedTs(language), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTranslator translator;
    QVERIFY(translator.load(QStringLiteral(":/i18n/mue-studio_%1.qm").arg(language)));
    QStringList stale;
    for (const TsMessage& m : messages) {
        if (!m.finished) continue;
        const QByteArray context = m.context.toUtf8();
        const QByteArray source = m.source.toUtf8();
        const QByteArray comment = m.comment.toUtf8();
        const QString got = translator.translate(context.constData(), source.constData(),
                                                 m.comment.isEmpty() ? nullptr : comment.constData(),
                                                 m.numerus ? 1 : -1);
        if (got != m.forms.value(0)) stale << describe(m);
    }
    QVERIFY2(stale.isEmpty(), qPrintable(QStringLiteral("the embedded catalogue differs from the .ts (rebuild?):\n  ") +
                                         stale.join(QStringLiteral("\n  "))));
}

void TstTranslations::placeholdersKept_data() { embeddedMatchesCommitted_data(); }

// Every translation keeps its source's %1.. and %n placeholders.
void TstTranslations::placeholdersKept()
{
    QFETCH(QString, language);
    QString error;
    const QList<TsMessage> messages = readTs(committedTs(language), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(!messages.isEmpty());
    QStringList wrong;
    for (const TsMessage& m : messages) {
        if (!m.finished) continue;
        for (const QString& form : m.forms)
            if (placeholders(form) != placeholders(m.source)) wrong << describe(m) + QStringLiteral(" -> ") + form;
    }
    QVERIFY2(wrong.isEmpty(),
             qPrintable(QStringLiteral("placeholders differ:\n  ") + wrong.join(QStringLiteral("\n  "))));
}

void TstTranslations::everySourceStringTranslated_data() { embeddedMatchesCommitted_data(); }

void TstTranslations::everySourceStringTranslated()
{
    QFETCH(QString, language);
    const QString lupdate = findLupdate();
    if (lupdate.isEmpty()) QSKIP("lupdate is not installed (Debian: qt6-l10n-tools)");

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString fresh = dir.filePath(QStringLiteral("fresh_%1.ts").arg(language));
    const QStringList sources = translatableSources();
    QVERIFY2(!sources.isEmpty(), "no sources found under " MUE_SOURCE_DIR);
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    // The include paths matter: without them lupdate cannot see that the widgets' classes live in
    // mue::widgets and files strings under the wrong context (the same ones update_translations uses).
    process.start(lupdate, QStringList{QStringLiteral("-silent"), QStringLiteral("-locations"), QStringLiteral("none"),
                                       QStringLiteral("-no-obsolete"), QStringLiteral("-target-language"), language,
                                       QStringLiteral("-I"), QStringLiteral(MUE_SOURCE_DIR "/app/studio"),
                                       QStringLiteral("-I"), QStringLiteral(MUE_SOURCE_DIR "/widgets/include")}
                               << sources << QStringLiteral("-ts") << fresh);
    QVERIFY2(process.waitForFinished(120'000), "lupdate did not finish");
    const QString output = QString::fromLocal8Bit(process.readAll());
    QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0,
             qPrintable(QStringLiteral("lupdate failed: ") + output));

    QString error;
    const QList<TsMessage> current = readTs(fresh, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(!current.isEmpty(), "lupdate found no translatable strings");
    const QList<TsMessage> committed = readTs(committedTs(language), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    QMap<MessageKey, TsMessage> byKey;
    for (const TsMessage& m : committed) byKey.insert(keyOf(m), m);

    QStringList missing;
    QStringList unfinished;
    for (const TsMessage& m : current) {
        const auto it = byKey.constFind(keyOf(m));
        if (it == byKey.constEnd())
            missing << describe(m);
        else if (!it->finished)
            unfinished << describe(m);
    }
    QString report;
    if (!missing.isEmpty())
        report += QStringLiteral("\n%1 source string(s) missing from %2 (run `ninja update_translations`, then "
                                 "translate):\n  %3")
                      .arg(missing.size())
                      .arg(QFileInfo(committedTs(language)).fileName(), missing.join(QStringLiteral("\n  ")));
    if (!unfinished.isEmpty())
        report += QStringLiteral("\n%1 source string(s) unfinished or empty in %2:\n  %3")
                      .arg(unfinished.size())
                      .arg(QFileInfo(committedTs(language)).fileName(), unfinished.join(QStringLiteral("\n  ")));
    QVERIFY2(report.isEmpty(), qPrintable(report));
}

QTEST_GUILESS_MAIN(TstTranslations)
#include "tst_translations.moc"
