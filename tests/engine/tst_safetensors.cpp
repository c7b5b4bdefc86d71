#include "error_of.hpp"
#include "mue/errors.hpp"
#include "mue/safetensors.hpp"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kLengthPrefixBytes = 8;

[[nodiscard]] fs::path file_in(const QTemporaryDir& dir, const char* name) {
    return fs::path(dir.filePath(QString::fromUtf8(name)).toStdString());
}

// Writes a safetensors file byte by byte: the length prefix (the header's real size unless
// `declared_length` says otherwise), the header text as given, then `data_bytes` bytes 0, 1, 2...
void write_raw(const fs::path& path, const QByteArray& header, qsizetype data_bytes, qint64 declared_length = -1) {
    const auto length = static_cast<std::uint64_t>(declared_length < 0 ? header.size() : declared_length);
    QByteArray bytes;
    for (std::size_t i = 0; i < kLengthPrefixBytes; ++i) {
        bytes.append(static_cast<char>((length >> (8 * i)) & 0xff));
    }
    bytes.append(header);
    for (qsizetype i = 0; i < data_bytes; ++i) {
        bytes.append(static_cast<char>(i));
    }
    QFile file(QString::fromStdString(path.string()));
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(bytes), bytes.size());
}

using mue::test::error_of;

[[nodiscard]] std::string open_error(const fs::path& path) {
    return error_of([&] { static_cast<void>(mue::SafetensorsFile::open(path)); });
}

[[nodiscard]] bool starts_with(const std::string& text, const std::string& prefix) {
    return text.compare(0, prefix.size(), prefix) == 0;
}

[[nodiscard]] bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

[[nodiscard]] std::uint32_t float_bits(float value) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    return bits;
}

[[nodiscard]] std::vector<float> convert_16bit(const QTemporaryDir& dir, mue::DType dtype,
                                               const std::vector<std::uint16_t>& patterns) {
    const fs::path path = file_in(dir, "halves.safetensors");
    mue::write_safetensors(path, {{"x", dtype, {static_cast<std::int64_t>(patterns.size())}, patterns.data()}});
    const auto file = mue::SafetensorsFile::open(path);
    return file.to_float(file.at("x"));
}

[[nodiscard]] QStringList entries(const QTemporaryDir& dir) {
    return QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
}

}  // namespace

class TestSafetensors : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTripPacksTensorsAligned();
    void roundTripWithoutTensors();
    void writeReplacesAnExistingFile();
    void writeRejectsInvalidTensors();
    void writeFailureLeavesNoTemporaryFile();
    void halfToFloat();
    void bfloat16ToFloat();
    void readsUnalignedDataAndGaps();
    void acceptsEmptyTensorsAndEmptyDataSection();
    void rejectsMalformedHeader_data();
    void rejectsMalformedHeader();
    void rejectsMissingShortAndNonRegularFiles();
    void atAndExpectShapeNameTheProblem();
    void moveKeepsTheMapping();
};

void TestSafetensors::roundTripPacksTensorsAligned() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path path = file_in(dir, "model.safetensors");

    const std::vector<float> weight = {0.0F, 1.0F, -1.5F, 3.25F, 1e-8F, -65536.0F};
    const std::vector<std::uint16_t> half = {0x3c00, 0xc100, 0x0001};  // 6 bytes: not a multiple of 8
    const std::vector<std::int64_t> ids = {-3, 0, 7, std::int64_t{1} << 40};
    const std::uint16_t scalar = 0x4049;  // bfloat16 3.140625
    const std::map<std::string, std::string> metadata = {{"format", "pt"}, {"note", "h\xc3\xa9llo"}};

    // Given out of order: the file sorts them by name.
    mue::write_safetensors(path,
                           {{"encoder.weight", mue::DType::F32, {2, 3}, weight.data()},
                            {"a.half", mue::DType::F16, {3}, half.data()},
                            {"ids", mue::DType::I64, {2, 2}, ids.data()},
                            {"scale", mue::DType::BF16, {}, &scalar},
                            {"empty", mue::DType::F32, {0, 4}, nullptr},
                            {"z.empty", mue::DType::F16, {5, 0}, nullptr}},
                           metadata);
    QCOMPARE(entries(dir), QStringList{"model.safetensors"});

    QFile raw(QString::fromStdString(path.string()));
    QVERIFY(raw.open(QIODevice::ReadOnly));
    const QByteArray prefix = raw.read(kLengthPrefixBytes);
    std::uint64_t header_length = 0;
    for (std::size_t i = 0; i < kLengthPrefixBytes; ++i) {
        header_length |= static_cast<std::uint64_t>(static_cast<unsigned char>(prefix[static_cast<qsizetype>(i)]))
                         << (8 * i);
    }
    QCOMPARE(header_length % 8, std::uint64_t{0});

    const auto file = mue::SafetensorsFile::open(path);
    QCOMPARE(file.path(), path);
    QVERIFY(file.metadata() == metadata);

    // Hugging Face's layout: back to back without gaps, widest dtype first, so each tensor is
    // aligned to its own element size.
    std::vector<std::string> names;
    std::vector<std::pair<std::size_t, std::size_t>> extents;
    for (const mue::TensorInfo& tensor : file.tensors()) {
        names.push_back(tensor.name);
        extents.emplace_back(tensor.offset, tensor.offset + tensor.nbytes);
        const auto element = mue::dtype_size(tensor.dtype);
        QCOMPARE(tensor.offset % element, std::size_t{0});
        QCOMPARE(reinterpret_cast<std::uintptr_t>(file.data(tensor)) % element, std::uintptr_t{0});
    }
    std::sort(extents.begin(), extents.end());
    QCOMPARE(extents.front().first, std::size_t{0});
    for (std::size_t i = 1; i < extents.size(); ++i) QCOMPARE(extents[i].first, extents[i - 1].second);
    QCOMPARE(static_cast<std::uint64_t>(raw.size()), kLengthPrefixBytes + header_length + extents.back().second);
    QVERIFY((names == std::vector<std::string>{"a.half", "empty", "encoder.weight", "ids", "scale", "z.empty"}));

    const mue::TensorInfo& w = file.expect_shape("encoder.weight", {2, 3});
    QCOMPARE(w.dtype, mue::DType::F32);
    QCOMPARE(w.numel(), std::int64_t{6});
    QCOMPARE(w.nbytes, weight.size() * sizeof(float));
    QCOMPARE(std::memcmp(file.data(w), weight.data(), w.nbytes), 0);
    QVERIFY(file.to_float(w) == weight);

    const mue::TensorInfo& h = file.expect_shape("a.half", {3});
    QCOMPARE(h.dtype, mue::DType::F16);
    QCOMPARE(std::memcmp(file.data(h), half.data(), h.nbytes), 0);

    const mue::TensorInfo& i = file.expect_shape("ids", {2, 2});
    QCOMPARE(i.dtype, mue::DType::I64);
    QCOMPARE(std::memcmp(file.data(i), ids.data(), i.nbytes), 0);
    QVERIFY((file.to_float(i) == std::vector<float>{-3.0F, 0.0F, 7.0F, 1099511627776.0F}));

    const mue::TensorInfo& s = file.expect_shape("scale", {});
    QCOMPARE(s.dtype, mue::DType::BF16);
    QCOMPARE(s.numel(), std::int64_t{1});
    QVERIFY((file.to_float(s) == std::vector<float>{3.140625F}));

    for (const char* name : {"empty", "z.empty"}) {
        const mue::TensorInfo& e = file.at(name);
        QCOMPARE(e.numel(), std::int64_t{0});
        QCOMPARE(e.nbytes, std::size_t{0});
        QVERIFY(file.to_float(e).empty());
    }
    QCOMPARE(file.at("z.empty").shape, (std::vector<std::int64_t>{5, 0}));
}

void TestSafetensors::roundTripWithoutTensors() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path path = file_in(dir, "empty.safetensors");
    mue::write_safetensors(path, {});
    QCOMPARE(fs::file_size(path), std::uintmax_t{16});  // prefix + "{}" padded to 8

    const auto file = mue::SafetensorsFile::open(path);
    QVERIFY(file.tensors().empty());
    QVERIFY(file.metadata().empty());
    QCOMPARE(file.find("anything"), nullptr);
}

void TestSafetensors::writeReplacesAnExistingFile() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path path = file_in(dir, "model.safetensors");
    const std::vector<float> first = {1.0F, 2.0F};
    const std::vector<float> second = {5.0F};
    mue::write_safetensors(path, {{"old", mue::DType::F32, {2}, first.data()}});
    mue::write_safetensors(path, {{"new", mue::DType::F32, {1}, second.data()}});
    QCOMPARE(entries(dir), QStringList{"model.safetensors"});

    const auto file = mue::SafetensorsFile::open(path);
    QCOMPARE(file.tensors().size(), std::size_t{1});
    QCOMPARE(file.find("old"), nullptr);
    QVERIFY(file.to_float(file.at("new")) == second);
}

void TestSafetensors::writeRejectsInvalidTensors() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path path = file_in(dir, "bad.safetensors");
    const float value = 1.0F;
    const auto write_error = [&](const std::vector<mue::TensorToWrite>& tensors) {
        return error_of([&] { mue::write_safetensors(path, tensors); });
    };

    const std::vector<std::pair<std::string, std::string>> cases = {
        {write_error({{"", mue::DType::F32, {1}, &value}}), "a tensor has an empty name"},
        {write_error({{"t", mue::DType::F32, {1}, &value}, {"t", mue::DType::F32, {1}, &value}}),
         "tensor 't': name is given twice"},
        {write_error({{"__metadata__", mue::DType::F32, {1}, &value}}), "'__metadata__' is reserved"},
        {write_error({{"t", mue::DType::F32, {-1}, &value}}), "tensor 't': shape [-1] has a negative dimension"},
        {write_error({{"t", mue::DType::F32, {1}, nullptr}}), "tensor 't': data is null"},
        {write_error({{"t\xff", mue::DType::F32, {1}, &value}}), "must be valid UTF-8"},
    };
    for (const auto& [message, expected] : cases) {
        QVERIFY2(starts_with(message, path.string() + ": ") && contains(message, expected), message.c_str());
    }
    QVERIFY(entries(dir).isEmpty());
}

void TestSafetensors::writeFailureLeavesNoTemporaryFile() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const float value = 1.0F;
    const std::vector<mue::TensorToWrite> tensors = {{"t", mue::DType::F32, {1}, &value}};

    // The rename fails: a non-empty folder is in the way.
    const fs::path blocked = file_in(dir, "blocked");
    QVERIFY(QDir(dir.path()).mkpath("blocked/inside"));
    std::string message = error_of([&] { mue::write_safetensors(blocked, tensors); });
    QVERIFY2(starts_with(message, blocked.string() + ": cannot replace the file"), message.c_str());
    QCOMPARE(entries(dir), QStringList{"blocked"});

    const fs::path nowhere = file_in(dir, "missing/model.safetensors");
    message = error_of([&] { mue::write_safetensors(nowhere, tensors); });
    QVERIFY2(starts_with(message, nowhere.string() + ": cannot create a temporary file: No such file"),
             message.c_str());
}

void TestSafetensors::halfToFloat() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::vector<float> expected = {
        1.0F,
        -2.5F,
        65504.0F,                                  // largest finite half
        std::ldexp(1.0F, -24),                     // smallest subnormal
        std::ldexp(1023.0F, -24),                  // largest subnormal
        std::ldexp(1.0F, -14),                     // smallest normal
        std::ldexp(1365.0F, -12),                  // 0.333251953125, the half nearest 1/3
        -0.0F,
        std::numeric_limits<float>::infinity(),
        -std::numeric_limits<float>::infinity(),
    };
    const std::vector<float> values = convert_16bit(
        dir, mue::DType::F16, {0x3c00, 0xc100, 0x7bff, 0x0001, 0x03ff, 0x0400, 0x3555, 0x8000, 0x7c00, 0xfc00, 0x7e00});
    QCOMPARE(values.size(), expected.size() + 1);
    for (std::size_t i = 0; i < expected.size(); ++i) {
        QCOMPARE(float_bits(values[i]), float_bits(expected[i]));
    }
    QVERIFY(std::isnan(values.back()));
}

void TestSafetensors::bfloat16ToFloat() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::vector<float> expected = {
        1.0F,
        -2.5F,
        65280.0F,                // 65504 itself is not a bfloat16
        std::ldexp(1.0F, -133),  // smallest subnormal
        -0.0F,
        std::numeric_limits<float>::infinity(),
        -std::numeric_limits<float>::infinity(),
    };
    const std::vector<float> values =
        convert_16bit(dir, mue::DType::BF16, {0x3f80, 0xc020, 0x477f, 0x0001, 0x8000, 0x7f80, 0xff80, 0x7fc0});
    QCOMPARE(values.size(), expected.size() + 1);
    for (std::size_t i = 0; i < expected.size(); ++i) {
        QCOMPARE(float_bits(values[i]), float_bits(expected[i]));
    }
    QVERIFY(std::isnan(values.back()));
}

void TestSafetensors::readsUnalignedDataAndGaps() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path path = file_in(dir, "unaligned.safetensors");
    // Byte 0 is unused, so both tensors start at odd addresses (the header is 8-byte padded).
    QByteArray header = R"({"f":{"dtype":"F32","shape":[2],"data_offsets":[1,9]},)"
                        R"("i":{"dtype":"I64","shape":[1],"data_offsets":[9,17]}})";
    header.append(QByteArray((8 - header.size() % 8) % 8, ' '));
    write_raw(path, header, 17);

    const auto file = mue::SafetensorsFile::open(path);
    const mue::TensorInfo& f = file.at("f");
    QCOMPARE(reinterpret_cast<std::uintptr_t>(file.data(f)) % 2, std::uintptr_t{1});
    // Data bytes are 0, 1, 2, ...: little-endian words 0x04030201, 0x08070605 and 0x100f0e0d0c0b0a09.
    std::vector<float> expected(2);
    const std::uint32_t words[] = {0x04030201U, 0x08070605U};
    std::memcpy(expected.data(), words, sizeof words);
    const std::vector<float> floats = file.to_float(f);
    QCOMPARE(std::memcmp(floats.data(), expected.data(), sizeof words), 0);
    QVERIFY((file.to_float(file.at("i")) == std::vector<float>{static_cast<float>(0x100f0e0d0c0b0a09LL)}));
}

void TestSafetensors::acceptsEmptyTensorsAndEmptyDataSection() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path only_empty = file_in(dir, "only_empty.safetensors");
    write_raw(only_empty, R"({"e":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}})", 0);
    const auto file = mue::SafetensorsFile::open(only_empty);
    QVERIFY(file.data(file.at("e")) != nullptr);
    QVERIFY(file.to_float(file.at("e")).empty());

    // An empty range inside another tensor's bytes overlaps nothing.
    const fs::path nested = file_in(dir, "nested.safetensors");
    write_raw(nested,
              R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
              R"("e":{"dtype":"BF16","shape":[3,0],"data_offsets":[4,4]},)"
              R"("__metadata__":{"k":"v"}})",
              8);
    const auto with_nested = mue::SafetensorsFile::open(nested);
    QCOMPARE(with_nested.tensors().size(), std::size_t{2});
    QCOMPARE(with_nested.metadata().at("k"), std::string("v"));
}

void TestSafetensors::rejectsMalformedHeader_data() {
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<int>("dataBytes");
    QTest::addColumn<qint64>("declaredLength");
    QTest::addColumn<QString>("expected");

    const auto tensor = [](const char* dtype, const char* shape, const char* offsets) {
        return QByteArray(R"({"t":{"dtype":)") + dtype + R"(,"shape":)" + shape + R"(,"data_offsets":)" + offsets +
               "}}";
    };
    const qint64 actual = -1;

    QTest::newRow("length past end") << QByteArray("{}") << 0 << qint64{100}
                                     << "header length 100 runs past the end of the file (10 bytes)";
    QTest::newRow("length above limit")
        << QByteArray("{}") << 0 << static_cast<qint64>(mue::SafetensorsFile::kMaxHeaderBytes + 1)
        << "header length 104857601 exceeds the limit of 104857600 bytes";
    QTest::newRow("empty header") << QByteArray() << 0 << actual << "header is not valid JSON";
    QTest::newRow("bad JSON") << QByteArray(R"({"t": )") << 0 << actual << "header is not valid JSON";
    QTest::newRow("not an object") << QByteArray("[1, 2]") << 0 << actual << "header is not a JSON object";
    QTest::newRow("entry not an object") << QByteArray(R"({"t": 5})") << 0 << actual
                                         << "tensor 't': entry is not an object";
    QTest::newRow("missing dtype") << QByteArray(R"({"t":{"shape":[1],"data_offsets":[0,4]}})") << 4 << actual
                                   << R"(tensor 't': missing "dtype")";
    QTest::newRow("unknown dtype") << tensor(R"("F64")", "[1]", "[0,8]") << 8 << actual
                                   << R"(tensor 't': unsupported dtype "F64" (expected F32, F16, BF16 or I64))";
    QTest::newRow("negative dimension") << tensor(R"("F32")", "[2,-1]", "[0,0]") << 0 << actual
                                        << "tensor 't': shape [2,-1] is not a list of non-negative integers";
    QTest::newRow("fractional dimension") << tensor(R"("F32")", "[1.5]", "[0,4]") << 4 << actual
                                          << "tensor 't': shape [1.5] is not a list";
    QTest::newRow("shape not a list") << tensor(R"("F32")", "4", "[0,16]") << 16 << actual
                                      << "tensor 't': shape 4 is not a list";
    QTest::newRow("shape overflow") << tensor(R"("F32")", "[4294967296,4294967296]", "[0,0]") << 0 << actual
                                    << "tensor 't': shape [4294967296, 4294967296] has too many elements";
    QTest::newRow("offsets not a pair") << tensor(R"("F32")", "[1]", "[0]") << 4 << actual
                                        << "tensor 't': data_offsets [0] is not [begin, end]";
    QTest::newRow("negative offset") << tensor(R"("F32")", "[1]", "[-4,0]") << 4 << actual
                                     << "tensor 't': data_offsets [-4,0] is not [begin, end]";
    QTest::newRow("offsets past end") << tensor(R"("F32")", "[4]", "[0,16]") << 8 << actual
                                      << "tensor 't': data_offsets [0, 16] run past the end of the data section "
                                         "(8 bytes)";
    QTest::newRow("begin after end") << tensor(R"("F32")", "[1]", "[8,4]") << 8 << actual
                                     << "tensor 't': data_offsets [8, 4] have begin > end";
    QTest::newRow("size mismatch")
        << QByteArray(R"({"encoder.fc1.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}})") << 16
        << actual << "tensor 'encoder.fc1.weight': data_offsets [0, 12] do not match F32 shape [2, 2] (16 bytes)";
    QTest::newRow("overlap") << QByteArray(R"({"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]},)"
                                           R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})")
                             << 12 << actual << "tensors 'a' [0, 8] and 'b' [4, 12] overlap";
    QTest::newRow("duplicate tensor") << QByteArray(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                                                    R"("t":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})")
                                      << 8 << actual << "header has duplicate key 't'";
    QTest::newRow("duplicate field") << QByteArray(R"({"t":{"dtype":"F32","dtype":"F16","shape":[1],)"
                                                   R"("data_offsets":[0,4]}})")
                                     << 4 << actual << "header has duplicate key 'dtype' in 't'";
    // Found by fuzz_documents (the same JSON library): a number beyond double is out_of_range.
    QTest::newRow("number beyond double") << QByteArray(R"({"t":{"dtype":"F32","shape":[1e999],"data_offsets":[0,4]}})")
                                          << 4 << actual << "header is not valid JSON";
    QTest::newRow("metadata not an object") << QByteArray(R"({"__metadata__":1})") << 0 << actual
                                            << "__metadata__ is not an object";
    QTest::newRow("metadata value not a string") << QByteArray(R"({"__metadata__":{"k":1}})") << 0 << actual
                                                 << "__metadata__ entry 'k' is not a string";
}

void TestSafetensors::rejectsMalformedHeader() {
    QFETCH(QByteArray, header);
    QFETCH(int, dataBytes);
    QFETCH(qint64, declaredLength);
    QFETCH(QString, expected);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path path = file_in(dir, "bad.safetensors");
    write_raw(path, header, dataBytes, declaredLength);
    const std::string message = open_error(path);
    QVERIFY2(starts_with(message, path.string() + ": ") && contains(message, expected.toStdString()),
             message.c_str());
}

void TestSafetensors::rejectsMissingShortAndNonRegularFiles() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());

    const fs::path missing = file_in(dir, "missing.safetensors");
    std::string message = open_error(missing);
    QVERIFY2(message == missing.string() + ": cannot open: No such file or directory", message.c_str());

    const fs::path short_file = file_in(dir, "short.safetensors");
    QFile file(QString::fromStdString(short_file.string()));
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write("12345"), qint64{5});
    file.close();
    message = open_error(short_file);
    QVERIFY2(message == short_file.string() + ": file is 5 bytes, shorter than the 8-byte header length",
             message.c_str());

    const fs::path folder(dir.path().toStdString());
    message = open_error(folder);
    QVERIFY2(message == folder.string() + ": not a regular file", message.c_str());
}

void TestSafetensors::atAndExpectShapeNameTheProblem() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path path = file_in(dir, "model.safetensors");
    const std::vector<float> values(6, 0.5F);
    mue::write_safetensors(path, {{"w", mue::DType::F32, {2, 3}, values.data()}});
    const auto file = mue::SafetensorsFile::open(path);

    QCOMPARE(&file.expect_shape("w", {2, 3}), &file.at("w"));
    QCOMPARE(file.find("w"), &file.at("w"));
    QCOMPARE(file.find("v"), nullptr);

    std::string message = error_of([&] { static_cast<void>(file.at("missing")); });
    QVERIFY2(message == path.string() + ": tensor 'missing' is missing", message.c_str());
    message = error_of([&] { file.expect_shape("w", {3, 2}); });
    QVERIFY2(message == path.string() + ": tensor 'w': shape [2, 3] does not match the expected [3, 2]",
             message.c_str());
    message = error_of([&] { file.expect_shape("absent", {1}); });
    QVERIFY2(message == path.string() + ": tensor 'absent' is missing", message.c_str());
}

void TestSafetensors::moveKeepsTheMapping() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path first_path = file_in(dir, "first.safetensors");
    const fs::path second_path = file_in(dir, "second.safetensors");
    const std::vector<float> first_values = {1.0F, 2.0F};
    const std::vector<float> second_values = {3.0F};
    mue::write_safetensors(first_path, {{"a", mue::DType::F32, {2}, first_values.data()}});
    mue::write_safetensors(second_path, {{"b", mue::DType::F32, {1}, second_values.data()}});

    auto opened = mue::SafetensorsFile::open(first_path);
    mue::SafetensorsFile moved(std::move(opened));
    QVERIFY(moved.to_float(moved.at("a")) == first_values);

    auto other = mue::SafetensorsFile::open(second_path);
    other = std::move(moved);  // unmaps the second file
    QCOMPARE(other.path(), first_path);
    QVERIFY(other.to_float(other.at("a")) == first_values);
}

QTEST_APPLESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
