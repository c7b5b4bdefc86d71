// The engine's own thread contract (engine.hpp: immutable after load, run() from any thread,
// cancellation from any thread), with plain std::threads so that ThreadSanitizer sees every
// synchronisation (scripts/sanitize thread runs this suite; Qt's queued signals use futexes TSan
// cannot see, see docs/reliability.md).

#include <mue/engine.hpp>
#include <mue/errors.hpp>
#include <mue/evaluation.hpp>

#include <QObject>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <random>
#include <thread>
#include <vector>

namespace {

const std::filesystem::path kModelDir = MUE_TEST_MODEL_DIR;

mue::RunRequest request(mue::Task task, int variant) {
    mue::RunRequest r;
    r.image.width = 64;
    r.image.height = 48;
    r.image.rgb.assign(static_cast<std::size_t>(r.image.width * r.image.height * 3), 90);
    for (int i = 0; i < 300 + variant * 7; ++i) r.image.rgb[static_cast<std::size_t>(i * 5)] = 250;
    r.task = task;
    r.text = task == mue::Task::Caption ? "" : "a red circle";
    r.exits = mue::ExitSettings::preset("paper");
    r.exits.policy = mue::ExitPolicy::Mue;
    return r;
}

}  // namespace

class TestConcurrency : public QObject {
    Q_OBJECT

    std::unique_ptr<mue::Engine> engine_;

private Q_SLOTS:
    void initTestCase() {
        mue::set_intra_op_threads(1);
        engine_ = std::make_unique<mue::Engine>(mue::Engine::load(kModelDir));
    }

    // One engine, several threads at once: every answer equals the one-thread answer.
    void sharedEngineGivesTheSameAnswers() {
        constexpr int kThreads = 3;
        constexpr int kRunsPerThread = 4;
        std::vector<std::string> expected;
        for (int i = 0; i < kRunsPerThread; ++i) {
            expected.push_back(engine_->run(request(i % 2 == 0 ? mue::Task::Caption : mue::Task::Entailment, i)).prediction);
        }
        std::atomic<int> mismatches{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&] {
                for (int i = 0; i < kRunsPerThread; ++i) {
                    const auto r = engine_->run(request(i % 2 == 0 ? mue::Task::Caption : mue::Task::Entailment, i));
                    if (r.prediction != expected[static_cast<std::size_t>(i)]) ++mismatches;
                }
            });
        }
        for (auto& t : threads) t.join();
        QCOMPARE(mismatches.load(), 0);
    }

    // Cancellation set from another thread at random points: each run either finishes or throws
    // Cancelled, never hangs, and the engine answers normally afterwards.
    void cancellationFromAnotherThread() {
        constexpr int kRounds = 40;
        std::mt19937 random(/*seed=*/7);
        std::uniform_int_distribution<int> delayUs(0, 20'000);
        int cancelled = 0;
        int finished = 0;
        for (int round = 0; round < kRounds; ++round) {
            mue::CancellationToken token;
            std::atomic<bool> done{false};
            bool wasCancelled = false;
            std::thread runner([&] {
                try {
                    (void)engine_->run(request(mue::Task::Caption, round), &token);
                } catch (const mue::Cancelled&) {
                    wasCancelled = true;
                }
                done = true;
            });
            std::this_thread::sleep_for(std::chrono::microseconds(delayUs(random)));
            token.cancel();
            runner.join();
            QVERIFY(done.load());
            (wasCancelled ? cancelled : finished) += 1;
        }
        QVERIFY2(cancelled > 0, "some cancels must land inside a run");
        QCOMPARE(cancelled + finished, kRounds);
        QVERIFY(!engine_->run(request(mue::Task::Caption, 0)).output_ids.empty());
    }

    // The app's two workers: single-input runs and a data-set evaluation, each on its own engine.
    void runsBesideAnEvaluation() {
        const auto second = mue::Engine::load(kModelDir);
        const auto dataset = mue::load_eval_dataset("shapes-ve", "validation", /*limit=*/6, second.info().image_size);
        const auto alone = mue::evaluate(second, dataset, mue::ExitSettings::preset("paper"), {});
        mue::EvalReport beside;
        std::thread evaluation([&] { beside = mue::evaluate(second, dataset, mue::ExitSettings::preset("paper"), {}); });
        for (int i = 0; i < 5; ++i) (void)engine_->run(request(mue::Task::Entailment, i));
        evaluation.join();
        QCOMPARE(beside.score, alone.score);
        QCOMPARE(beside.savings.expected_reduction_mean, alone.savings.expected_reduction_mean);
    }
};

QTEST_APPLESS_MAIN(TestConcurrency)
#include "tst_concurrency.moc"
