// The live join's queue; see live_join.hpp.
#include "core/recorder/live_join.hpp"

#include "core/base/files.hpp"
#include "core/base/log.hpp"
#include "core/base/loop.hpp"
#include "core/chunks/chunk_folder.hpp"

#include <deque>

namespace ov2ha::recorder {

struct LiveJoin::State {
    uv_loop_t* loop = nullptr;
    std::string chunk_folder;
    std::string final_video;
    std::unique_ptr<media::JoinWriter> writer; // used by one worker job at a time
    std::string broken;                        // why the live join was given up, if it was
    std::deque<chunks::ChunkFile> pending;
    bool busy = false;
    std::function<void(Result<media::JoinReport>)> done; // set by finish()

    static void pump(const std::shared_ptr<State>& state);
    static void complete(const std::shared_ptr<State>& state);
};

namespace {

bool same_chunks(const std::vector<chunks::ChunkFile>& a, const std::vector<chunks::ChunkFile>& b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].number != b[i].number) {
            return false;
        }
    }
    return true;
}

} // namespace

void LiveJoin::State::pump(const std::shared_ptr<State>& state) {
    if (state->busy) {
        return;
    }
    if (state->pending.empty() || !state->broken.empty()) {
        state->pending.clear();
        if (state->done) {
            complete(state);
        }
        return;
    }
    const chunks::ChunkFile chunk = state->pending.front();
    state->pending.pop_front();
    state->busy = true;
    auto appended = std::make_shared<Status>(success());
    run_on_worker(
        state->loop, [state, chunk, appended] { *appended = state->writer->append(chunk); },
        [state, appended] {
            state->busy = false;
            if (!*appended) {
                state->broken = appended->message();
                log::warn("live join stopped; the whole folder will be joined at the end",
                          {{"error", state->broken}});
            }
            pump(state);
        });
}

void LiveJoin::State::complete(const std::shared_ptr<State>& state) {
    state->busy = true;
    auto result = std::make_shared<Result<media::JoinReport>>(failure(""));
    run_on_worker(
        state->loop,
        [state, result] {
            auto listed = chunks::list_chunk_folder(state->chunk_folder);
            if (!listed) {
                *result = listed.error();
                return;
            }
            if (state->broken.empty() && state->writer &&
                same_chunks(*listed, state->writer->appended())) {
                *result = state->writer->finish(state->final_video);
                return;
            }
            if (state->broken.empty()) {
                log::info("chunk folder changed during the recording; joining all of it",
                          {{"chunks", std::to_string(listed->size())}});
            }
            state->writer.reset();
            media::JoinOptions options;
            options.chunks = std::move(*listed);
            options.output_path = state->final_video;
            *result = media::join_chunks(options);
        },
        [state, result] {
            state->busy = false;
            auto done = std::move(state->done);
            state->done = nullptr;
            done(std::move(*result));
        });
}

LiveJoin::LiveJoin(uv_loop_t* loop, std::string chunk_folder, std::string final_video)
    : m_state(std::make_shared<State>()) {
    m_state->loop = loop;
    m_state->chunk_folder = std::move(chunk_folder);
    m_state->final_video = std::move(final_video);
    auto writer = media::JoinWriter::create(temporary_path_for(m_state->final_video) + ".live");
    if (writer) {
        m_state->writer = std::move(*writer);
    } else {
        m_state->broken = writer.message();
    }
}

LiveJoin::~LiveJoin() = default;

void LiveJoin::start() {
    auto existing = chunks::list_chunk_folder(m_state->chunk_folder);
    if (existing) {
        for (auto& chunk : *existing) {
            m_state->pending.push_back(std::move(chunk));
        }
    }
    State::pump(m_state);
}

void LiveJoin::add(chunks::ChunkFile chunk) {
    m_state->pending.push_back(std::move(chunk));
    State::pump(m_state);
}

void LiveJoin::finish(std::function<void(Result<media::JoinReport>)> done) {
    m_state->done = std::move(done);
    State::pump(m_state);
}

} // namespace ov2ha::recorder
