// libuv helpers; see loop.hpp.
#include "core/base/loop.hpp"

#include <string>

namespace ov2ha {
namespace {

struct WorkRequest {
    uv_work_t request{};
    std::function<void()> work;
    std::function<void()> done;
};

} // namespace

void run_on_worker(uv_loop_t* loop, std::function<void()> work, std::function<void()> done) {
    auto* job = new WorkRequest{{}, std::move(work), std::move(done)};
    job->request.data = job;
    const int rc = uv_queue_work(
        loop, &job->request,
        [](uv_work_t* request) { static_cast<WorkRequest*>(request->data)->work(); },
        [](uv_work_t* request, int) {
            auto* finished = static_cast<WorkRequest*>(request->data);
            finished->done();
            delete finished;
        });
    if (rc != 0) {
        // uv_queue_work only fails for a null callback; run inline so nothing is lost.
        job->work();
        job->done();
        delete job;
    }
}

struct LoopMailbox::State {
    uv_async_t async{};
    std::mutex mutex;
    std::vector<std::function<void()>> pending;
    bool closed = false;
};

LoopMailbox::LoopMailbox(uv_loop_t* loop) : m_state(new State) {
    m_state->async.data = m_state;
    uv_async_init(loop, &m_state->async, [](uv_async_t* async) {
        auto* state = static_cast<State*>(async->data);
        std::vector<std::function<void()>> batch;
        {
            std::lock_guard lock(state->mutex);
            if (state->closed) {
                return;
            }
            batch.swap(state->pending);
        }
        for (auto& function : batch) {
            function();
        }
    });
}

LoopMailbox::~LoopMailbox() {
    close();
}

void LoopMailbox::post(std::function<void()> function) {
    std::lock_guard lock(m_state->mutex);
    if (m_state->closed) {
        return;
    }
    m_state->pending.push_back(std::move(function));
    uv_async_send(&m_state->async);
}

void LoopMailbox::close() {
    if (!m_state) {
        return;
    }
    {
        std::lock_guard lock(m_state->mutex);
        m_state->closed = true;
        m_state->pending.clear();
    }
    uv_close(reinterpret_cast<uv_handle_t*>(&m_state->async),
             [](uv_handle_t* handle) { delete static_cast<State*>(handle->data); });
    m_state = nullptr;
}

Status shut_down_loop(uv_loop_t* loop) {
    uv_walk(
        loop,
        [](uv_handle_t* handle, void*) {
            if (!uv_is_closing(handle)) {
                uv_close(handle, nullptr);
            }
        },
        nullptr);
    uv_run(loop, UV_RUN_DEFAULT);
    const int rc = uv_loop_close(loop);
    if (rc != 0) {
        return failure(uv_error_text("close the event loop", rc));
    }
    return success();
}

std::string uv_error_text(const char* operation, int code) {
    return std::string("cannot ") + operation + ": " + uv_strerror(code);
}

} // namespace ov2ha
