// User dataset folders: good rows load with resolved paths; every kind of bad row is reported with
// its line, skipped or rejected by policy; CRLF, a BOM, comments and blank lines are tolerated.

#include "error_of.hpp"
#include "mue/dataset.hpp"

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <QTemporaryDir>
#include <QtTest/QtTest>

namespace {

namespace fs = std::filesystem;
using mue::BadRowPolicy;
using mue::test::error_of;

// A temporary dataset folder "ds" with cat.png, sub/dog.png and a directory sub/, plus
// outside.png beside the folder (reachable only by escaping it).
class DatasetFolder {
public:
    DatasetFolder() : root_(tmp_.path().toStdString()), folder_(root_ / "ds") {
        fs::create_directories(folder_ / "sub");
        write(folder_ / "cat.png", "not decoded");
        write(folder_ / "sub" / "dog.png", "not decoded");
        write(root_ / "outside.png", "not decoded");
    }

    [[nodiscard]] const fs::path& folder() const { return folder_; }
    [[nodiscard]] fs::path tsv() const { return folder_ / "data.tsv"; }
    void write_tsv(const std::string& bytes) const { write(tsv(), bytes); }

    static void write(const fs::path& path, const std::string& bytes) {
        std::ofstream out(path, std::ios::binary);
        out << bytes;
    }

private:
    QTemporaryDir tmp_;
    fs::path root_;
    fs::path folder_;
};

std::string lines(const std::vector<std::string>& rows) {
    std::string text;
    for (const std::string& row : rows) text += row + "\n";
    return text;
}

// One row per rule, with the problem it must be reported with.
struct BadRow {
    std::string text;
    std::string problem;
};

std::vector<BadRow> bad_entailment_rows() {
    const std::string overlong = "cat.png\t" + std::string(mue::kMaxDatasetLineBytes, 'x') + "\tyes";
    return {
        {"cat.png\ta cat", "expected 3 tab-separated fields (image, hypothesis, label), found 2"},
        {"cat.png\ta cat\tyes\textra", "expected 3 tab-separated fields (image, hypothesis, label), found 4"},
        {"cat.png\ta cat\tPerhaps", "label 'Perhaps' must be yes, no or maybe"},
        {"cat.png\t   \tno", "hypothesis is empty"},
        {" \ta cat\tno", "image path is empty"},
        {"/etc/hostname\ta cat\tno", "image path '/etc/hostname' is absolute; it must be relative to the dataset folder"},
        {"sub/../../outside.png\ta cat\tno", "image path 'sub/../../outside.png' leads outside the dataset folder"},
        {"missing.png\ta cat\tno", "image 'missing.png' does not exist"},
        {"sub\ta cat\tno", "image 'sub' is not a file"},
        // "cat.png<TAB>a caf" is 13 bytes; byte 14 starts a 2-byte sequence with a bad second byte.
        {std::string("cat.png\ta caf\xC3") + "(\tno", "invalid UTF-8 at byte 14"},
        // An overlong encoding of '/' and a UTF-16 surrogate are invalid too.
        {std::string("cat.png\t\xC0\xAF") + "\tno", "invalid UTF-8 at byte 9"},
        {std::string("cat.png\t\xED\xA0\x80") + "\tno", "invalid UTF-8 at byte 9"},
        {std::string("cat.png\ta\0cat\tno", 16), "NUL character at byte 10"},
        {"./cat.png\ta cat\tYES", "same image and hypothesis as line 2"},
        {overlong, "line is longer than 1048576 bytes"},
    };
}

// Line 1 a comment, line 2 good, line 3 blank, then the bad rows, then one more good row.
std::string entailment_tsv_with_bad_rows() {
    std::vector<std::string> rows = {"# image\thypothesis\tlabel", "cat.png\ta cat\tyes", ""};
    for (const BadRow& row : bad_entailment_rows()) rows.push_back(row.text);
    rows.push_back("sub/dog.png\ta dog\tNo");
    return lines(rows);
}

}  // namespace

class TestDataset : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void loadsGoodEntailmentRows() {
        const DatasetFolder ds;
        ds.write_tsv(lines({"# a comment", "cat.png\tA cat sits.\tYes", "", "   ",
                            "sub/dog.png\t  a dog  \tMAYBE", "./sub/../cat.png\tanother hypothesis\t no "}));
        const auto data = mue::load_entailment_dataset(ds.folder(), BadRowPolicy::Reject);
        QCOMPARE(data.tsv, ds.tsv());
        QVERIFY(data.problems.empty());
        QCOMPARE(data.rows.size(), std::size_t{3});
        QCOMPARE(data.rows[0].image, ds.folder() / "cat.png");
        QCOMPARE(data.rows[0].hypothesis, std::string("A cat sits."));
        QCOMPARE(data.rows[0].label, std::string("yes"));
        QCOMPARE(data.rows[0].line, 2);
        QCOMPARE(data.rows[1].image, ds.folder() / "sub" / "dog.png");
        QCOMPARE(data.rows[1].hypothesis, std::string("a dog"));
        QCOMPARE(data.rows[1].label, std::string("maybe"));
        QCOMPARE(data.rows[1].line, 5);
        // ".." inside the folder is fine; the path is normalised.
        QCOMPARE(data.rows[2].image, ds.folder() / "cat.png");
        QCOMPARE(data.rows[2].label, std::string("no"));
        QCOMPARE(data.rows[2].line, 6);
    }

    void skipReportsEveryBadRow() {
        const DatasetFolder ds;
        ds.write_tsv(entailment_tsv_with_bad_rows());
        const auto data = mue::load_entailment_dataset(ds.folder(), BadRowPolicy::Skip);

        const std::vector<BadRow> expected = bad_entailment_rows();
        QCOMPARE(data.problems.size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            const int line = 4 + static_cast<int>(i);
            QCOMPARE(data.problems[i].line, line);
            QCOMPARE(data.problems[i].message, expected[i].problem);
        }
        // The good rows around them, including the one after the overlong line.
        QCOMPARE(data.rows.size(), std::size_t{2});
        QCOMPARE(data.rows[0].line, 2);
        QCOMPARE(data.rows[1].line, 4 + static_cast<int>(expected.size()));
        QCOMPARE(data.rows[1].label, std::string("no"));
    }

    void rejectNamesFileAndFirstBadLine() {
        const DatasetFolder ds;
        ds.write_tsv(entailment_tsv_with_bad_rows());
        QCOMPARE(error_of([&] { (void)mue::load_entailment_dataset(ds.folder(), BadRowPolicy::Reject); }),
                 ds.tsv().string() + ": line 4: expected 3 tab-separated fields (image, hypothesis, label), found 2");

        ds.write_tsv(lines({"cat.png\ta cat\tyes", "missing.png\ta cat\tno"}));
        QCOMPARE(error_of([&] { (void)mue::load_entailment_dataset(ds.folder(), BadRowPolicy::Reject); }),
                 ds.tsv().string() + ": line 2: image 'missing.png' does not exist");
    }

    void toleratesCrlfAndByteOrderMark() {
        const DatasetFolder ds;
        ds.write_tsv("\xEF\xBB\xBF" "cat.png\ta cat\tyes\r\n# comment\r\n\r\nsub/dog.png\ta dog\tno\r\n");
        const auto data = mue::load_entailment_dataset(ds.folder(), BadRowPolicy::Reject);
        QCOMPARE(data.rows.size(), std::size_t{2});
        QCOMPARE(data.rows[0].image, ds.folder() / "cat.png");
        QCOMPARE(data.rows[0].label, std::string("yes"));
        QCOMPARE(data.rows[1].label, std::string("no"));
        QCOMPARE(data.rows[1].line, 4);

        // A last line without its line end counts too; a BOM only counts at the start of the file.
        ds.write_tsv("cat.png\ta cat\tyes\n\xEF\xBB\xBF" "cat.png\tb\tno");
        const auto skipped = mue::load_entailment_dataset(ds.tsv(), BadRowPolicy::Skip);
        QCOMPARE(skipped.rows.size(), std::size_t{1});
        QCOMPARE(skipped.problems.size(), std::size_t{1});
        QCOMPARE(skipped.problems[0].line, 2);
        QCOMPARE(skipped.problems[0].message, std::string("image '\xEF\xBB\xBF" "cat.png' does not exist"));
    }

    void acceptsTheTsvItself() {
        const DatasetFolder ds;
        DatasetFolder::write(ds.folder() / "other.tsv", "cat.png\ta cat\tyes\n");
        const auto data = mue::load_entailment_dataset(ds.folder() / "other.tsv", BadRowPolicy::Reject);
        QCOMPARE(data.tsv, ds.folder() / "other.tsv");
        QCOMPARE(data.rows.size(), std::size_t{1});
        QCOMPARE(data.rows[0].image, ds.folder() / "cat.png");
    }

    void namesMissingFolderOrFile() {
        const DatasetFolder ds;
        const fs::path nowhere = ds.folder() / "nowhere";
        QCOMPARE(error_of([&] { (void)mue::load_caption_dataset(nowhere, BadRowPolicy::Skip); }),
                 nowhere.string() + ": no such dataset folder or file");
        QCOMPARE(error_of([&] { (void)mue::load_entailment_dataset(ds.folder(), BadRowPolicy::Skip); }),
                 ds.tsv().string() + ": file not found (a dataset folder needs a data.tsv)");
        fs::create_directory(ds.tsv());
        QCOMPARE(error_of([&] { (void)mue::load_entailment_dataset(ds.folder(), BadRowPolicy::Skip); }),
                 ds.tsv().string() + ": not a regular file");
    }

    void loadsCaptionRows() {
        const DatasetFolder ds;
        ds.write_tsv(lines({
            "cat.png\ta cat on a mat | a sitting cat|a cat",  // 1 good, three references
            "sub/dog.png\t a dog ",                          // 2 good, one reference
            "./cat.png\tanother cat",                        // 3 the same image as line 1
            "sub/dog.png\ta dog||a puppy",                   // 4
            "sub/dog.png\t   ",                              // 5
            "sub/dog.png\ta\tb",                             // 6
            "../outside.png\ta cat",                         // 7
        }));
        const auto data = mue::load_caption_dataset(ds.folder(), BadRowPolicy::Skip);
        QCOMPARE(data.rows.size(), std::size_t{2});
        QCOMPARE(data.rows[0].image, ds.folder() / "cat.png");
        QCOMPARE(data.rows[0].references,
                 (std::vector<std::string>{"a cat on a mat", "a sitting cat", "a cat"}));
        QCOMPARE(data.rows[0].line, 1);
        QCOMPARE(data.rows[1].references, std::vector<std::string>{"a dog"});
        QCOMPARE(data.rows[1].line, 2);

        const std::vector<std::pair<int, std::string>> expected = {
            {3, "image './cat.png' is already listed on line 1"},
            {4, "reference 2 of 3 is empty"},
            {5, "no reference caption"},
            {6, "expected 2 tab-separated fields (image, references separated by '|'), found 3"},
            {7, "image path '../outside.png' leads outside the dataset folder"},
        };
        QCOMPARE(data.problems.size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            QCOMPARE(data.problems[i].line, expected[i].first);
            QCOMPARE(data.problems[i].message, expected[i].second);
        }
        QCOMPARE(error_of([&] { (void)mue::load_caption_dataset(ds.folder(), BadRowPolicy::Reject); }),
                 ds.tsv().string() + ": line 3: image './cat.png' is already listed on line 1");
    }

    void quotesLongFieldsShortly() {
        const DatasetFolder ds;
        // 100 two-byte characters: the quote stops at a character boundary within 80 bytes.
        std::string long_path;
        for (int i = 0; i < 100; ++i) long_path += "\xC3\xA9";
        ds.write_tsv(long_path + "\ta cat\tyes\n");
        const auto data = mue::load_entailment_dataset(ds.folder(), BadRowPolicy::Skip);
        QCOMPARE(data.problems.size(), std::size_t{1});
        QCOMPARE(data.problems[0].message, "image '" + long_path.substr(0, 80) + "...' does not exist");
    }

    void capsTheLineCount() {
        const DatasetFolder ds;
        ds.write_tsv(std::string(static_cast<std::size_t>(mue::kMaxDatasetLines), '\n'));
        QVERIFY(mue::load_caption_dataset(ds.folder(), BadRowPolicy::Reject).rows.empty());
        ds.write_tsv(std::string(static_cast<std::size_t>(mue::kMaxDatasetLines) + 1, '\n'));
        QCOMPARE(error_of([&] { (void)mue::load_caption_dataset(ds.folder(), BadRowPolicy::Skip); }),
                 ds.tsv().string() + ": more than 10000000 lines; split the dataset");
    }

    void survivesArbitraryBytes() {
        const DatasetFolder ds;
        std::mt19937 random(7);
        std::uniform_int_distribution<int> byte(0, 255);
        for (int round = 0; round < 20; ++round) {
            std::string bytes;
            for (int i = 0; i < 4000; ++i) {
                // Plenty of tabs, bars and line ends so that rows get past the field count.
                const int value = byte(random);
                bytes += value < 24 ? '\t' : value < 40 ? '\n' : value < 48 ? '|' : static_cast<char>(value);
            }
            ds.write_tsv(bytes);
            const auto entailment = mue::load_entailment_dataset(ds.folder(), BadRowPolicy::Skip);
            const auto captions = mue::load_caption_dataset(ds.folder(), BadRowPolicy::Skip);
            QVERIFY(entailment.problems.size() + captions.problems.size() > 0);
        }
    }
};

QTEST_APPLESS_MAIN(TestDataset)
#include "tst_dataset.moc"
