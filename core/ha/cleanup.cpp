// Session cleanup; see cleanup.hpp.
#include "core/ha/cleanup.hpp"

#include "core/base/log.hpp"
#include "core/base/loop.hpp"
#include "core/s3/client.hpp"

#include <filesystem>
#include <memory>

namespace ov2ha::ha {
namespace {

// Whether `folder` holds the session's final recording and its .info (written only after the
// join succeeded). Blocking: runs on a worker.
bool final_recording_on_disk(const std::string& folder, const std::string& name,
                             const std::string& id) {
    std::error_code error;
    const auto size = std::filesystem::file_size(std::filesystem::path(folder) / name, error);
    if (error || size == 0) {
        return false;
    }
    return std::filesystem::exists(std::filesystem::path(folder) / (id + ".info"), error);
}

} // namespace

std::string final_recording_key(const std::string& key_prefix, const Session& session) {
    return key_prefix + session.session_id + "/" + final_recording_name(session);
}

std::string chunk_prefix(const std::string& key_prefix, const std::string& session_id) {
    return key_prefix + session_id + "/chunks/";
}

SessionCleanup::SessionCleanup(uv_loop_t* loop, SessionRepository& sessions, s3::S3Client* bucket,
                               CleanupSettings settings)
    : m_loop(loop), m_sessions(sessions), m_bucket(bucket), m_settings(std::move(settings)),
      m_timer(loop) {
    m_timer.get()->data = this;
}

void SessionCleanup::start() {
    const auto every = static_cast<uint64_t>(m_settings.interval.count()) * 1000;
    uv_timer_start(
        m_timer.get(),
        [](uv_timer_t* timer) {
            static_cast<SessionCleanup*>(timer->data)->run([](Result<size_t> outcome) {
                if (!outcome) {
                    log::warn("session cleanup skipped", {{"error", outcome.message()}});
                }
            });
        },
        every, every);
}

void SessionCleanup::close() {
    m_timer.close();
}

std::string SessionCleanup::info() const {
    if (!m_bucket) {
        return "S3 cleanup disabled: HA_RECORDING_STORAGE is local";
    }
    const auto& settings = m_bucket->settings();
    return "S3 cleanup enabled: chunks of removed sessions are deleted from bucket " +
           settings.bucket + (settings.endpoint.empty() ? "" : " at " + settings.endpoint) +
           " once their final recording exists";
}

void SessionCleanup::run(std::function<void(Result<size_t>)> done) {
    m_waiting.push_back(std::move(done));
    if (!m_running) {
        m_running = true;
        run_pass();
    }
}

struct SessionCleanup::Pass {
    std::vector<StoredSession> sessions;
    size_t next = 0;
    size_t removed = 0;
    size_t kept = 0;
    std::string first_error;
};

void SessionCleanup::run_pass() {
    m_sessions.list([this](Result<std::vector<StoredSession>> listed) {
        if (!listed) {
            finish_pass(listed.error());
            return;
        }
        const std::time_t now = std::time(nullptr);
        auto pass = std::make_shared<Pass>();
        for (StoredSession& stored : *listed) {
            if (expired(stored.session, now, m_settings.max_inactive_seconds)) {
                pass->sessions.push_back(std::move(stored));
            }
        }
        step(std::move(pass));
    });
}

void SessionCleanup::step(std::shared_ptr<Pass> pass) {
    // A loop, not recursion: with Redis gone every removal fails at once, inside the call.
    while (pass->next < pass->sessions.size()) {
        auto synchronous = std::make_shared<bool>(true);
        auto finished = std::make_shared<bool>(false);
        dispose(pass->sessions[pass->next], true,
                [this, pass, synchronous, finished](Result<RemovalReport> report) {
                    if (!report) {
                        ++pass->kept;
                        if (pass->first_error.empty()) {
                            pass->first_error = report.message();
                        }
                    } else if (report->removed) {
                        ++pass->removed;
                    }
                    ++pass->next;
                    if (*synchronous) {
                        *finished = true;
                    } else {
                        step(pass);
                    }
                });
        *synchronous = false;
        if (!*finished) {
            return;
        }
    }
    if (pass->kept > 0) {
        log::warn("inactive sessions kept until the next cleanup",
                  {{"sessions", std::to_string(pass->kept)}, {"first_error", pass->first_error}});
    }
    finish_pass(pass->removed);
}

void SessionCleanup::finish_pass(Result<size_t> outcome) {
    m_running = false;
    if (outcome && *outcome > 0) {
        log::info("session cleanup finished", {{"removed", std::to_string(*outcome)}});
    }
    std::vector<std::function<void(Result<size_t>)>> waiting;
    waiting.swap(m_waiting);
    for (auto& done : waiting) {
        done(outcome);
    }
}

void SessionCleanup::remove(const std::string& id,
                            std::function<void(Result<RemovalReport>)> done) {
    m_sessions.get(id, [this, done = std::move(done)](Result<std::optional<Session>> found) {
        if (!found) {
            done(found.error());
            return;
        }
        if (!found->has_value()) {
            done(RemovalReport{});
            return;
        }
        dispose(StoredSession{std::move(**found), {}}, false, done);
    });
}

void SessionCleanup::dispose(const StoredSession& stored, bool only_if_unchanged,
                             std::function<void(Result<RemovalReport>)> done) {
    if (!m_bucket) {
        forget(stored, only_if_unchanged, {}, std::move(done));
        return;
    }
    final_recording_exists(stored.session, [this, stored, only_if_unchanged,
                                            done = std::move(done)](Result<bool> exists) {
        const std::string& id = stored.session.session_id;
        if (!exists) {
            done(failure("cannot tell whether the final recording of session " + id +
                         " exists, so its chunks stay: " + exists.message()));
            return;
        }
        if (!*exists) {
            log::warn("session chunks kept-for-recovery: no final recording found",
                      {{"session", id},
                       {"chunks", chunk_prefix(m_settings.key_prefix, id)},
                       {"looked_for", final_recording_key(m_settings.key_prefix, stored.session)}});
            RemovalReport report;
            report.kept_for_recovery = true;
            forget(stored, only_if_unchanged, report, done);
            return;
        }
        delete_chunks(id, [this, stored, only_if_unchanged, done](Result<uint64_t> deleted) {
            if (!deleted) {
                done(deleted.error());
                return;
            }
            RemovalReport report;
            report.chunks_deleted = *deleted;
            forget(stored, only_if_unchanged, report, done);
        });
    });
}

void SessionCleanup::final_recording_exists(const Session& session,
                                            std::function<void(Result<bool>)> done) {
    const std::string folder =
        (std::filesystem::path(m_settings.recordings_path) / session.session_id).string();
    const std::string name = final_recording_name(session);
    auto on_disk = std::make_shared<bool>(false);
    run_on_worker(
        m_loop,
        [on_disk, folder, name, id = session.session_id] {
            *on_disk = final_recording_on_disk(folder, name, id);
        },
        [this, on_disk, key = final_recording_key(m_settings.key_prefix, session),
         done = std::move(done)] {
            if (*on_disk) {
                done(true);
                return;
            }
            m_bucket->head_object(key, [done](s3::S3Result<s3::ObjectInfo> head) {
                if (head) {
                    done(true);
                } else if (head.error().not_found()) {
                    done(false);
                } else {
                    done(failure(head.error().text()));
                }
            });
        });
}

void SessionCleanup::delete_chunks(const std::string& id,
                                   std::function<void(Result<uint64_t>)> done) {
    m_bucket->list_objects(
        chunk_prefix(m_settings.key_prefix, id),
        [this, done = std::move(done)](s3::S3Result<std::vector<s3::ObjectInfo>> listed) {
            if (!listed) {
                done(failure(listed.error().text()));
                return;
            }
            if (listed->empty()) {
                done(uint64_t{0});
                return;
            }
            std::vector<std::string> keys;
            keys.reserve(listed->size());
            for (const s3::ObjectInfo& object : *listed) {
                keys.push_back(object.key);
            }
            m_bucket->delete_objects(
                std::move(keys), [done](s3::S3Result<s3::DeleteReport> deleted) {
                    if (!deleted) {
                        done(failure(deleted.error().text()));
                        return;
                    }
                    if (!deleted->errors.empty()) {
                        const s3::KeyError& first = deleted->errors.front();
                        done(failure(std::to_string(deleted->errors.size()) +
                                     " chunks could not be deleted, the first " + first.key + ": " +
                                     first.code + " " + first.message));
                        return;
                    }
                    done(static_cast<uint64_t>(deleted->deleted.size()));
                });
        });
}

void SessionCleanup::forget(const StoredSession& stored, bool only_if_unchanged,
                            RemovalReport report, std::function<void(Result<RemovalReport>)> done) {
    auto removed = [this, report, id = stored.session.session_id,
                    done = std::move(done)](Result<bool> gone) mutable {
        if (!gone) {
            done(gone.error());
            return;
        }
        report.removed = *gone;
        m_counts.chunks_deleted += report.chunks_deleted;
        if (*gone) {
            ++m_counts.removed;
            m_counts.kept_for_recovery += report.kept_for_recovery ? 1 : 0;
            log::info("session removed",
                      {{"session", id},
                       {"chunks_deleted", std::to_string(report.chunks_deleted)},
                       {"kept_for_recovery", report.kept_for_recovery ? "yes" : "no"}});
        }
        done(report);
    };
    if (only_if_unchanged) {
        m_sessions.remove_if_unchanged(stored, std::move(removed));
    } else {
        m_sessions.remove(stored.session.session_id, std::move(removed));
    }
}

} // namespace ov2ha::ha
