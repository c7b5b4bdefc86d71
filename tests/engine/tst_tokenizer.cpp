// Tokenizer tests. Expected OFA ids and token texts come from an independent Python reference run
// on OFA's files: GPT-2's encoder algorithm (pre-split with the `regex` module's pattern, BPE by
// merge rank) followed by OFA's dict.txt mapping, checked against OFA's published ids for
// " what does the image describe?" and " yes" / " no" / " maybe". clean_text expectations come
// from running OFA's pre_caption in Python.

#include "mue/errors.hpp"
#include "mue/tokenizer.hpp"

#include <QByteArray>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QList>
#include <QMap>
#include <QObject>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

using Files = QMap<QString, QByteArray>;

const char* const kOfaFolder = MUE_SHARED_DIR "/ofa-bpe";
constexpr int kOfaVocabSize = 59457;
constexpr int kOfaMaskId = 50264;
constexpr int kOfaCodeCount = 8192;
constexpr int kOfaBinCount = 1000;

[[nodiscard]] std::string toStd(const QByteArray& bytes) {
    return {bytes.constData(), static_cast<std::size_t>(bytes.size())};
}

[[nodiscard]] QList<int> toList(const std::vector<int>& ids) { return {ids.begin(), ids.end()}; }

[[nodiscard]] bool writeFiles(const QString& folder, const Files& files) {
    for (auto it = files.begin(); it != files.end(); ++it) {
        QFile file(QDir(folder).filePath(it.key()));
        if (!file.open(QIODevice::WriteOnly) || file.write(it.value()) != it.value().size()) {
            return false;
        }
    }
    return true;
}

// The InputError message `action` throws, or nullopt when it throws nothing.
[[nodiscard]] std::optional<QString> inputErrorOf(const std::function<void()>& action) {
    try {
        action();
    } catch (const mue::InputError& e) {
        return QString::fromUtf8(e.what());
    }
    return std::nullopt;
}

// A tiny Hugging Face layout: ranks make "ab" beat "bc", "Ã ©" builds "é" from its two bytes,
// id 12 is unused and the special ids are not in their usual order.
const Files kHfFiles{
    {"vocab.json", R"({"<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3, "a": 4, "b": 5, "c": 6, "Ġ": 7,
                      "ab": 8, "abc": 9, "Ġab": 10, "bc": 11, "<mask>": 13, "Ã©": 14})"},
    {"merges.txt", "#version: 0.2\na b\nab c\nĠ ab\nb c\nÃ ©\n"},
};

// A tiny OFA layout: GPT-2 id 1 ("b") is missing from dict.txt, so it encodes as <unk>.
const Files kOfaFiles{
    {"encoder.json", R"({"a": 0, "b": 1, "ab": 2, "Ġ": 3, "<|endoftext|>": 4})"},
    {"vocab.bpe", "#version: 0.2\na b\n"},
    {"dict.txt", "2 10\n0 5\n3 1\n4 0\nmadeupword0000 0\n"},
};

}  // namespace

class TestTokenizer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void ofaLayout();
    void ofaIds_data();
    void ofaIds();
    void encodeSource();
    void segmentation_data();
    void segmentation();
    void roundTrip_data();
    void roundTrip();
    void decodeSpecials();
    void decodeReplacesCutCharacters();
    void tokenIdRejectsNonTokens();
    void invalidUtf8_data();
    void invalidUtf8();
    void cleanText_data();
    void cleanText();
    void huggingFaceLayout();
    void smallOfaLayout();
    void malformedFiles_data();
    void malformedFiles();
    void missingFolder();
    void longWords();
    void concurrentUse();
    void moves();

private:
    [[nodiscard]] const mue::Tokenizer& ofa() const { return *ofa_; }
    std::optional<mue::Tokenizer> ofa_;
};

void TestTokenizer::initTestCase() {
    QElapsedTimer timer;
    timer.start();
    ofa_.emplace(mue::Tokenizer::load(kOfaFolder));
    qInfo("loaded OFA's tokenizer files in %lld ms", static_cast<long long>(timer.elapsed()));
}

void TestTokenizer::ofaLayout() {
    QCOMPARE(ofa().format(), mue::VocabularyFormat::Ofa);
    QCOMPARE(ofa().vocab_size(), kOfaVocabSize);
    QCOMPARE(ofa().special().bos, 0);
    QCOMPARE(ofa().special().pad, 1);
    QCOMPARE(ofa().special().eos, 2);
    QCOMPARE(ofa().special().unk, 3);
    QCOMPARE(ofa().token_id("<s>"), 0);
    QCOMPARE(ofa().token_id("</s>"), 2);
    QCOMPARE(ofa().token_id("<mask>"), kOfaMaskId);
    QCOMPARE(ofa().token_id("<code_0>"), kOfaMaskId + 1);
    QCOMPARE(ofa().token_id("<code_8191>"), kOfaMaskId + kOfaCodeCount);
    QCOMPARE(ofa().token_id("<bin_0>"), kOfaMaskId + kOfaCodeCount + 1);
    QCOMPARE(ofa().token_id("<bin_999>"), kOfaVocabSize - 1);
    QCOMPARE(ofa().token_text(kOfaVocabSize - 1), std::string("<bin_999>"));
    QCOMPARE(ofa().token_text(kOfaMaskId), std::string("<mask>"));
    QCOMPARE(ofa().token_id(" yes"), 4420);
    QCOMPARE(ofa().token_id(" no"), 117);
    QCOMPARE(ofa().token_id(" maybe"), 2085);
    QCOMPARE(ofa().token_text(4420), std::string(" yes"));
    QCOMPARE(ofa().token_text(117), std::string(" no"));
}

void TestTokenizer::ofaIds_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QList<int>>("ids");
    QTest::newRow("caption prompt") << QByteArray(" what does the image describe?")
                                    << QList<int>{99, 473, 5, 2274, 6190, 116};
    QTest::newRow("snli-ve prompt") << QByteArray(R"( does the image describe " two dogs play in the snow "?)")
                                    << QList<int>{473, 5, 2274, 6190, 22, 80, 3678, 310, 11, 5, 1958, 22, 116};
    QTest::newRow("snli-ve premise prompt")
        << QByteArray(R"( can image and text1 " a man is riding a horse " imply text2 " a person rides an animal "?)")
        << QList<int>{64, 2274, 8, 2788, 134, 22, 10, 313, 16, 5793, 10, 5253,
                      22, 25696, 2788, 176, 22, 10, 621, 9668, 41, 3477, 22, 116};
    QTest::newRow("mixed case") << QByteArray("Hello, World! It's 2024.")
                                << QList<int>{31414, 6, 623, 328, 85, 18, 15294, 4};
    QTest::newRow("contractions") << QByteArray("don't we'll DON'T") << QList<int>{7254, 75, 52, 581, 24980, 108, 565};
    QTest::newRow("numbers") << QByteArray("abc123 4.5") << QList<int>{36822, 19644, 204, 4, 245};
    QTest::newRow("unicode letters") << QByteArray("naïve café Привет 東京")
                                     << QList<int>{2133,  48350, 26059, 18697, 4333,  24269, 35328, 42907,
                                                   25482, 35555, 47416, 46,    15389, 46499, 11582};
    QTest::newRow("emoji") << QByteArray("emoji 😀 and 👍🏽!")
                           << QList<int>{991, 16873, 17841, 7471, 8, 26964, 8384, 6569, 9357, 10809, 328};
    QTest::newRow("whitespace runs") << QByteArray("a   b\n\n\tc  ")
                                     << QList<int>{102, 1437, 1437, 741, 50140, 50117, 438, 1437, 1437};
    QTest::newRow("empty") << QByteArray() << QList<int>{};
}

void TestTokenizer::ofaIds() {
    QFETCH(QByteArray, text);
    QFETCH(QList<int>, ids);
    QCOMPARE(toList(ofa().encode(toStd(text))), ids);
}

void TestTokenizer::encodeSource() {
    const QList<int> caption{0, 99, 473, 5, 2274, 6190, 116, 2};
    QCOMPARE(toList(ofa().encode_source("what does the image describe?")), caption);
    // clean_text lowercases and trims before the leading space is added.
    QCOMPARE(toList(ofa().encode_source("  What does the IMAGE describe?  ")), caption);
    QCOMPARE(toList(ofa().encode_source("")), (QList<int>{0, 1437, 2}));
}

void TestTokenizer::segmentation_data() {
    // Token texts show where the pre-split cut: a word never spans two pieces.
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QStringList>("tokens");
    QTest::newRow("contraction") << QByteArray("don't") << QStringList{"don", "'t"};
    QTest::newRow("uppercase contraction is punctuation") << QByteArray("DON'T") << QStringList{"DON", "'", "T"};
    QTest::newRow("more contractions") << QByteArray("we'll they're I've")
                                       << QStringList{"we", "'ll", " they", "'re", " I", "'ve"};
    QTest::newRow("space run leaves one space to the word") << QByteArray("a   b") << QStringList{"a", " ", " ", " b"};
    QTest::newRow("newlines") << QByteArray("x\n\ny") << QStringList{"x", "\n", "\n", "y"};
    QTest::newRow("trailing spaces") << QByteArray("end  ") << QStringList{"end", " ", " "};
    QTest::newRow("letters then digits") << QByteArray("abc123 4.5") << QStringList{"abc", "123", " 4", ".", "5"};
    QTest::newRow("tab does not lead a word") << QByteArray("tab\tsep") << QStringList{"tab", "\t", "se", "p"};
    QTest::newRow("punctuation run") << QByteArray("?!... hi") << QStringList{"?!", "...", " hi"};
}

void TestTokenizer::segmentation() {
    QFETCH(QByteArray, text);
    QFETCH(QStringList, tokens);
    QStringList actual;
    for (const int id : ofa().encode(toStd(text))) {
        actual << QString::fromStdString(ofa().token_text(id));
    }
    QCOMPARE(actual, tokens);
}

void TestTokenizer::roundTrip_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("ascii") << QByteArray("A quick brown fox, jumping over 13 lazy dogs!");
    QTest::newRow("accents") << QByteArray("Crème brûlée à la façon de Zoë");
    QTest::newRow("cjk") << QByteArray("東京タワーの写真");
    QTest::newRow("cyrillic") << QByteArray("Съешь же ещё этих мягких французских булок");
    QTest::newRow("combining mark") << QByteArray("e\xcc\x81t\xc3\xa9");
    QTest::newRow("whitespace") << QByteArray("  lead\t\ttabs\r\nwindows\n\n\n  trail   ");
    QTest::newRow("unicode spaces") << QByteArray("no\xc2\xa0" "break\xe3\x80\x80" "ideographic\xe2\x80\xa8line");
    QTest::newRow("emoji and symbols") << QByteArray("😀👍🏽🇺🇸 ∑√∞ €£¥ ©®™ ½²");
    constexpr char kControl[] = "nul\0del\x7f" "bell\x07";
    QTest::newRow("control characters") << QByteArray(kControl, sizeof kControl - 1);
    QTest::newRow("apostrophes") << QByteArray("'s''re 'LL ' 'x rock'n'roll");
}

void TestTokenizer::roundTrip() {
    QFETCH(QByteArray, text);
    const std::string original = toStd(text);
    const auto ids = ofa().encode(original);
    QVERIFY(!ids.empty());
    QCOMPARE(ofa().decode(ids), original);
    QCOMPARE(ofa().decode(ids, false), original);
}

void TestTokenizer::decodeSpecials() {
    const std::vector<int> ids{0, 4420, 2, 1, kOfaMaskId, kOfaMaskId + 6};
    QCOMPARE(ofa().decode(ids), std::string(" yes"));
    QCOMPARE(ofa().decode(ids, false), std::string("<s> yes</s><pad><mask><code_5>"));
    QCOMPARE(ofa().decode({}), std::string());
    for (const int bad : {-1, kOfaVocabSize}) {
        const auto error = inputErrorOf([&] { (void)ofa().decode({4420, bad}); });
        QVERIFY(error.has_value());
        QVERIFY2(error->contains(QString::number(bad)), qPrintable(*error));
        QVERIFY(inputErrorOf([&] { (void)ofa().token_text(bad); }).has_value());
    }
}

void TestTokenizer::decodeReplacesCutCharacters() {
    // "😀" is two tokens, each holding part of its four bytes.
    const auto ids = ofa().encode("😀");
    QCOMPARE(toList(ids), (QList<int>{18636, 7471}));
    QCOMPARE(ofa().decode({ids[0]}), std::string("\xef\xbf\xbd"));
    QCOMPARE(ofa().token_text(ids[1]), std::string("\xef\xbf\xbd"));
    QCOMPARE(ofa().decode({ids[1], ids[0]}), std::string("\xef\xbf\xbd\xef\xbf\xbd"));
    QCOMPARE(ofa().decode(ids), std::string("😀"));
}

void TestTokenizer::tokenIdRejectsNonTokens() {
    for (const char* token : {"", "yes no", " photosynthesis", "<code_8192>", "<nope>"}) {
        const auto error = inputErrorOf([&] { (void)ofa().token_id(token); });
        QVERIFY2(error.has_value(), token);
    }
}

void TestTokenizer::invalidUtf8_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("stray continuation") << QByteArray("ok \x80");
    QTest::newRow("truncated") << QByteArray("euro \xe2\x82");
    QTest::newRow("overlong") << QByteArray("\xc0\xaf");
    QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80");
    QTest::newRow("past U+10FFFF") << QByteArray("\xf4\x90\x80\x80");
    QTest::newRow("invalid byte") << QByteArray("\xff");
}

void TestTokenizer::invalidUtf8() {
    QFETCH(QByteArray, text);
    const std::string bytes = toStd(text);
    const auto error = inputErrorOf([&] { (void)ofa().encode(bytes); });
    QVERIFY(error.has_value());
    QVERIFY2(error->contains("UTF-8"), qPrintable(*error));
    QVERIFY(inputErrorOf([&] { (void)ofa().encode_source(bytes); }).has_value());
    QVERIFY(inputErrorOf([&] { (void)mue::clean_text(bytes); }).has_value());
}

void TestTokenizer::cleanText_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("maxWords");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("spaces") << QByteArray("  Hello   World  ") << 0 << QByteArray("hello world");
    QTest::newRow("leading punctuation") << QByteArray("...What's this?") << 0 << QByteArray("what's this?");
    QTest::newRow("more leading punctuation") << QByteArray("~#hello") << 0 << QByteArray("hello");
    QTest::newRow("space protects punctuation") << QByteArray(" ~hello") << 0 << QByteArray("~hello");
    QTest::newRow("all punctuation") << QByteArray("?!") << 0 << QByteArray();
    QTest::newRow("dash and slash") << QByteArray("Two-Year-Old/Child") << 0 << QByteArray("two year old child");
    QTest::newRow("spaced dash") << QByteArray("a - b") << 0 << QByteArray("a b");
    QTest::newRow("person") << QByteArray("a <PERSON> walks") << 0 << QByteArray("a person walks");
    QTest::newRow("trailing newline") << QByteArray("line\n") << 0 << QByteArray("line");
    QTest::newRow("newline run") << QByteArray("a\n\n") << 0 << QByteArray("a");
    QTest::newRow("single tab kept") << QByteArray("a\tb") << 0 << QByteArray("a\tb");
    QTest::newRow("tab run") << QByteArray("a\t\tb") << 0 << QByteArray("a b");
    QTest::newRow("python isspace separators") << QByteArray("x\x1c\x1fy") << 0 << QByteArray("x y");
    QTest::newRow("unicode lowercase") << QByteArray("ÉCOLE Straße ΑΒΓ") << 0 << QByteArray("école straße αβγ");
    QTest::newRow("word limit") << QByteArray("one two three four") << 2 << QByteArray("one two");
    QTest::newRow("no limit") << QByteArray("one two three four") << 0 << QByteArray("one two three four");
    QTest::newRow("limit above count") << QByteArray("one two") << 5 << QByteArray("one two");
    QTest::newRow("empty") << QByteArray() << 0 << QByteArray();
}

void TestTokenizer::cleanText() {
    QFETCH(QByteArray, text);
    QFETCH(int, maxWords);
    QFETCH(QByteArray, expected);
    QCOMPARE(mue::clean_text(toStd(text), maxWords), toStd(expected));
}

void TestTokenizer::huggingFaceLayout() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFiles(dir.path(), kHfFiles));
    const auto tokenizer = mue::Tokenizer::load(dir.path().toStdString());
    QCOMPARE(tokenizer.format(), mue::VocabularyFormat::HuggingFace);
    QCOMPARE(tokenizer.vocab_size(), 15);
    QCOMPARE(tokenizer.special().pad, 0);
    QCOMPARE(tokenizer.special().bos, 1);
    QCOMPARE(tokenizer.special().eos, 2);
    QCOMPARE(tokenizer.special().unk, 3);

    const auto ids = tokenizer.encode("abc ab cab bc é x");
    QCOMPARE(toList(ids), (QList<int>{9, 10, 7, 6, 8, 7, 11, 7, 14, 7, 3}));
    QCOMPARE(tokenizer.decode(ids), std::string("abc ab cab bc é "));
    QCOMPARE(tokenizer.decode(ids, false), std::string("abc ab cab bc é <unk>"));
    QCOMPARE(toList(tokenizer.encode_source("ABC")), (QList<int>{1, 7, 9, 2}));

    QCOMPARE(tokenizer.token_id(" ab"), 10);
    QCOMPARE(tokenizer.token_id("é"), 14);
    QCOMPARE(tokenizer.token_id("<mask>"), 13);
    QCOMPARE(tokenizer.token_text(14), std::string("é"));
    QCOMPARE(tokenizer.decode({13}), std::string());
    QCOMPARE(tokenizer.decode({13}, false), std::string("<mask>"));
    QVERIFY(inputErrorOf([&] { (void)tokenizer.decode({12}); }).has_value());
    QVERIFY(inputErrorOf([&] { (void)tokenizer.token_id("abcd"); }).has_value());
}

void TestTokenizer::smallOfaLayout() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFiles(dir.path(), kOfaFiles));
    const auto tokenizer = mue::Tokenizer::load(dir.path().toStdString());
    constexpr int kDictLines = 5;
    constexpr int kMask = 4 + kDictLines;
    QCOMPARE(tokenizer.format(), mue::VocabularyFormat::Ofa);
    QCOMPARE(tokenizer.vocab_size(), kMask + 1 + kOfaCodeCount + kOfaBinCount);

    const auto ids = tokenizer.encode("ab a b");
    QCOMPARE(toList(ids), (QList<int>{4, 6, 5, 6, 3}));
    QCOMPARE(tokenizer.decode(ids), std::string("ab a "));
    QCOMPARE(tokenizer.decode({7, 8, kMask}), std::string());
    QCOMPARE(tokenizer.decode({7, 8, kMask}, false), std::string("<|endoftext|>madeupword0000<mask>"));
    QCOMPARE(tokenizer.token_id("madeupword0000"), 8);
    QCOMPARE(tokenizer.token_id("<code_0>"), kMask + 1);
    QCOMPARE(tokenizer.token_text(kMask + 1 + kOfaCodeCount), std::string("<bin_0>"));
    QVERIFY(inputErrorOf([&] { (void)tokenizer.token_id("b"); }).has_value());
}

void TestTokenizer::malformedFiles_data() {
    QTest::addColumn<Files>("files");
    QTest::addColumn<QStringList>("fragments");  // each must appear in the error message

    const auto hf = [](const char* name, const QByteArray& content) {
        Files files = kHfFiles;
        files[name] = content;
        return files;
    };
    const auto ofaWith = [](const char* name, const QByteArray& content) {
        Files files = kOfaFiles;
        files[name] = content;
        return files;
    };
    Files noDict = kOfaFiles;
    noDict.remove("dict.txt");

    QTest::newRow("empty folder") << Files{} << QStringList{"encoder.json", "not found"};
    QTest::newRow("missing dict.txt") << noDict << QStringList{"dict.txt", "not found"};
    QTest::newRow("vocab.json bad JSON") << hf("vocab.json", "{\"a\": ") << QStringList{"vocab.json", "invalid JSON"};
    QTest::newRow("vocab.json not an object") << hf("vocab.json", "[1, 2]") << QStringList{"vocab.json", "object"};
    QTest::newRow("vocab.json string id") << hf("vocab.json", R"({"<s>": "0"})") << QStringList{"vocab.json", "'<s>'"};
    QTest::newRow("vocab.json negative id") << hf("vocab.json", R"({"<s>": -1})") << QStringList{"vocab.json", "'<s>'"};
    QTest::newRow("vocab.json shared id") << hf("vocab.json", R"({"<s>": 0, "<pad>": 0})")
                                          << QStringList{"vocab.json", "id 0"};
    QTest::newRow("vocab.json without <unk>") << hf("vocab.json", R"({"<s>": 0, "<pad>": 1, "</s>": 2, "a": 3})")
                                              << QStringList{"vocab.json", "<unk>"};
    QTest::newRow("merges.txt three tokens") << hf("merges.txt", "#version: 0.2\na b\na b c\n")
                                             << QStringList{"merges.txt line 3", "two tokens"};
    QTest::newRow("merges.txt one token") << hf("merges.txt", "#version: 0.2\nab\n")
                                          << QStringList{"merges.txt line 2", "two tokens"};
    QTest::newRow("merges.txt outside the byte alphabet") << hf("merges.txt", "a €\n")
                                                          << QStringList{"merges.txt line 1", "byte alphabet"};
    QTest::newRow("merges.txt invalid UTF-8") << hf("merges.txt", "a \xff\n")
                                              << QStringList{"merges.txt line 1", "UTF-8"};
    QTest::newRow("encoder.json bad JSON") << ofaWith("encoder.json", "{")
                                           << QStringList{"encoder.json", "invalid JSON"};
    QTest::newRow("encoder.json shared id") << ofaWith("encoder.json", R"({"a": 0, "b": 0})")
                                            << QStringList{"encoder.json", "id 0"};
    QTest::newRow("vocab.bpe bad line") << ofaWith("vocab.bpe", "#version: 0.2\na  b\n")
                                        << QStringList{"vocab.bpe line 2", "two tokens"};
    QTest::newRow("dict.txt one field") << ofaWith("dict.txt", "2 10\nfoo\n")
                                        << QStringList{"dict.txt line 2", "expected '<id> <count>'"};
    QTest::newRow("dict.txt bad count") << ofaWith("dict.txt", "2 x\n")
                                        << QStringList{"dict.txt line 1", "expected '<id> <count>'"};
    QTest::newRow("dict.txt unknown GPT-2 id") << ofaWith("dict.txt", "2 10\n99 1\n")
                                               << QStringList{"dict.txt line 2", "99", "encoder.json"};
    QTest::newRow("dict.txt repeated id") << ofaWith("dict.txt", "2 10\n2 10\n") << QStringList{"dict.txt line 2"};
    QTest::newRow("dict.txt reserved word") << ofaWith("dict.txt", "2 10\n<mask> 0\n")
                                            << QStringList{"dict.txt", "<mask>"};
}

void TestTokenizer::malformedFiles() {
    QFETCH(Files, files);
    QFETCH(QStringList, fragments);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFiles(dir.path(), files));
    const auto error = inputErrorOf([&] { (void)mue::Tokenizer::load(dir.path().toStdString()); });
    QVERIFY(error.has_value());
    for (const QString& fragment : fragments) {
        QVERIFY2(error->contains(fragment), qPrintable(*error));
    }
}

void TestTokenizer::missingFolder() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string missing = QDir(dir.path()).filePath("none").toStdString();
    const auto error = inputErrorOf([&] { (void)mue::Tokenizer::load(missing); });
    QVERIFY(error.has_value());
    QVERIFY2(error->contains("does not exist"), qPrintable(*error));
}

void TestTokenizer::longWords() {
    // One pre-split word of 100,000 characters must still encode quickly and exactly.
    constexpr int kLength = 100000;
    const std::string letters = QByteArray("ab").repeated(kLength / 2).toStdString();
    const std::string symbols(kLength, '!');
    for (const std::string& text : {letters, symbols}) {
        QElapsedTimer timer;
        timer.start();
        const auto ids = ofa().encode(text);
        qInfo("%d characters -> %zu tokens in %lld ms", kLength, ids.size(), static_cast<long long>(timer.elapsed()));
        QCOMPARE(ofa().decode(ids), text);
    }
}

void TestTokenizer::concurrentUse() {
    const std::vector<std::string> texts{" what does the image describe?", "naïve café Привет 東京",
                                         "emoji 😀 and 👍🏽!", "don't we'll DON'T"};
    std::vector<std::vector<int>> expected;
    for (const auto& text : texts) {
        expected.push_back(ofa().encode(text));
    }
    constexpr int kThreads = 8;
    constexpr int kRepeats = 200;
    std::vector<int> mismatches(kThreads, 0);  // one slot per thread, so no two threads share one
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int r = 0; r < kRepeats; ++r) {
                const std::size_t i = static_cast<std::size_t>(r + t) % texts.size();
                const auto ids = ofa().encode(texts[i]);
                if (ids != expected[i] || ofa().decode(ids) != texts[i]) {
                    ++mismatches[static_cast<std::size_t>(t)];
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    QCOMPARE(toList(mismatches), QList<int>(kThreads, 0));
}

void TestTokenizer::moves() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFiles(dir.path(), kHfFiles));
    auto first = mue::Tokenizer::load(dir.path().toStdString());
    mue::Tokenizer moved(std::move(first));
    QCOMPARE(toList(moved.encode("abc")), QList<int>{9});
    auto other = mue::Tokenizer::load(kOfaFolder);
    other = std::move(moved);
    QCOMPARE(other.format(), mue::VocabularyFormat::HuggingFace);
    QCOMPARE(toList(other.encode("abc")), QList<int>{9});
}

QTEST_APPLESS_MAIN(TestTokenizer)
#include "tst_tokenizer.moc"
