#pragma once
// Queued calls between the GUI thread and the worker threads, in a form ThreadSanitizer can follow.
//
// A queued Qt call is correct, but Debian's Qt hands it over through futexes that TSan cannot see
// unless Qt itself is built with TSan, so each one would be reported as a race between the thread
// that stored the call's arguments and the thread that reads them. Here the call travels in a
// Parcel that announces its contents (a TSan release) as the last step of being stored in the
// queued call; the receiving thread acquires them before the first read. Without TSan the two
// annotations are empty and these are plain queued calls.
//
// Any thread may call postTo and connectQueued.

#include <QMetaObject>
#include <QObject>

#include <type_traits>
#include <utility>

#if defined(__SANITIZE_THREAD__)
#define MUE_STUDIO_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MUE_STUDIO_TSAN 1
#endif
#endif

#ifdef MUE_STUDIO_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace mue::studio {
namespace detail {

inline void publish([[maybe_unused]] const void* address) {
#ifdef MUE_STUDIO_TSAN
    __tsan_release(const_cast<void*>(address));
#endif
}

inline void receive([[maybe_unused]] const void* address) {
#ifdef MUE_STUDIO_TSAN
    __tsan_acquire(const_cast<void*>(address));
#endif
}

// Moving a Parcel reads the source after acquiring it and publishes the destination, so the copy
// that ends up inside Qt's queued call is published after every write that built it. Delivering it
// publishes again afterwards: Qt may destroy the call in the sending thread once both are done.
template <typename Callable>
class Parcel {
public:
    explicit Parcel(Callable callable) : callable_(std::move(callable)) { publish(this); }
    Parcel(Parcel&& other) noexcept(std::is_nothrow_move_constructible_v<Callable>)
        : callable_(std::move(other.received())) {
        publish(this);
    }
    Parcel(const Parcel&) = delete;
    Parcel& operator=(const Parcel&) = delete;
    Parcel& operator=(Parcel&&) = delete;
    ~Parcel() { receive(this); }

    void deliver() {
        received()();
        publish(this);
    }

private:
    [[nodiscard]] Callable& received() {
        receive(this);
        return callable_;
    }

    Callable callable_;
};

}  // namespace detail

// Runs `call` in the receiver's thread, queued behind the events already posted there.
template <typename Callable>
void postTo(QObject* receiver, Callable&& call) {
    QMetaObject::invokeMethod(
        receiver,
        [parcel = detail::Parcel<std::decay_t<Callable>>(std::forward<Callable>(call))]() mutable { parcel.deliver(); },
        Qt::QueuedConnection);
}

// Like connect(sender, signal, receiver, slot, Qt::QueuedConnection), with the signal's arguments
// copied into a Parcel in the emitting thread. `slot` is a member function of Receiver or a
// callable. The receiver must outlive the sender's thread: the owners of the worker threads stop
// and join them in their destructors, before the receiver's connections go.
template <typename Sender, typename Signal, typename Receiver, typename Slot>
QMetaObject::Connection connectQueued(const Sender* sender, Signal signal, Receiver* receiver, Slot slot) {
    return QObject::connect(
        sender, signal, receiver,
        [receiver, slot](const auto&... arguments) {
            postTo(receiver, [receiver, slot, arguments...] {
                if constexpr (std::is_member_function_pointer_v<Slot>) {
                    (receiver->*slot)(arguments...);
                } else {
                    static_cast<void>(receiver);
                    slot(arguments...);
                }
            });
        },
        Qt::DirectConnection);
}

}  // namespace mue::studio
