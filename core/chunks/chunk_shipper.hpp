// The spool and uploader: a queue on the loop that ships closed files to S3 in shipping
// order (chunks by number) with bounded parallelism, journals each confirmation in the
// folder's upload journal, keeps every file on disk and retries with capped backoff while
// S3 is unreachable, and drains within a bound at shutdown. Loop thread only; file work
// (stat, journal writes, deletes) runs on workers.
#pragma once

#include "core/base/config.hpp"
#include "core/base/files.hpp"
#include "core/base/result.hpp"
#include "core/base/uv_handle.hpp"
#include "core/chunks/upload_journal.hpp"
#include "core/s3/client.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <uv.h>
#include <vector>

namespace ov2ha::chunks {

// One file to ship.
struct ShipItem {
    std::string path; // the local file
    std::string key;  // its object key
    std::string name; // its name in the journal (relative to the journal's folder) and in
                      // the shipping order; unique among the items of one shipper
};

// How a shipper ships: where it journals, how many files at once, how it waits and
// when it gives up.
struct ShipperSettings {
    std::string journal_path; // empty: no journal, nothing is remembered across runs
    int parallelism = 4;      // files uploading at once
    // Waits after failed uploads: full jitter up to min(retry_max, retry_base * 2^(n-1))
    // after the n-th failure in a row. While waiting nothing is sent; then one file probes
    // and, once it got through, the full parallelism resumes.
    std::chrono::milliseconds retry_base{1000};
    std::chrono::milliseconds retry_max{30'000};
    int give_up_after = 0; // failed tries after which a file is dropped; 0: retry forever
    bool delete_after_confirm = false; // remove the local file once its journal line is durable
};

// The storage.* settings (upload parallelism, the cap on waits while S3 is unreachable)
// for a shipper journaling to `journal_path` (empty: none).
ShipperSettings shipper_settings_from_config(const Config& config, std::string journal_path);

// What one confirmed upload did.
struct ShipReport {
    std::uint64_t size = 0;
    std::string etag;
    int parts = 0; // 0 for a single PutObject
    double seconds = 0;
    bool deleted = false;
};

// Notifications, all on the loop thread; any may be left empty. They must not throw and
// must not destroy the shipper.
struct ShipperEvents {
    // The upload is in the bucket and (with a journal) its line is durable.
    std::function<void(const ShipItem&, const ShipReport&)> confirmed;
    // The journal already confirms this very version of the file; nothing was sent.
    std::function<void(const ShipItem&)> already_confirmed;
    // A try failed. `retry_in` is the wait before sending resumes, or nullopt when the
    // file is dropped: given up (give_up_after) or gone before its upload.
    std::function<void(const ShipItem&, const std::string& error,
                       std::optional<std::chrono::milliseconds> retry_in)>
        failed;
};

// The queue and its uploads; see the top of this file. Loop thread only.
class ChunkShipper {
  public:
    // Owns `client`, which no one else may close. Nothing starts before start().
    ChunkShipper(uv_loop_t* loop, std::unique_ptr<s3::S3Client> client, ShipperSettings settings,
                 ShipperEvents events);
    // Closes the client (in-flight uploads are abandoned, their files stay unconfirmed);
    // a journal write already on a worker still completes.
    ~ChunkShipper();
    ChunkShipper(const ChunkShipper&) = delete;
    ChunkShipper& operator=(const ChunkShipper&) = delete;

    // Opens the journal on a worker, then starts shipping what was offered. `ready` runs
    // once on the loop thread, never inside start(): success, or why the journal cannot
    // be used (then nothing is shipped and a drain ends at once).
    void start(std::function<void(Status)> ready);

    // Queues a file. A name already queued or uploading is ignored (a file that changes
    // while uploading is noticed afterwards and shipped again). Ignored after a drain.
    void offer(ShipItem item);

    // Ships what is queued for at most `bound`, then abandons the uploads still running
    // and closes the client; call it once. `done` runs once on the loop thread, after any journal
    // write under way is durable, with the files left unconfirmed (in shipping order).
    void drain(std::chrono::milliseconds bound, std::function<void(std::vector<ShipItem>)> done);

    // The client, for other operations on the same bucket (listing, creating it).
    s3::S3Client& client() { return *m_client; }

    // Files queued, uploading or being journaled.
    std::size_t unfinished() const;

  private:
    struct ByShippingOrder {
        bool operator()(const std::string& a, const std::string& b) const;
    };
    // An upload that succeeded, waiting for its journal line.
    struct Uploaded {
        ShipItem item;
        FileStamp stamp; // as measured before the upload
        ShipReport report;
    };
    struct CommitWork; // what the worker of one journal write found and did

    // Starts queued files while the parallelism (one while probing) allows and no backoff runs.
    void pump();
    // Measures the file on a worker, then on_measured.
    void launch(ShipItem item);
    void on_measured(ShipItem item, const Result<std::optional<FileStamp>>& stamp);
    void on_uploaded(ShipItem item, FileStamp stamp, s3::S3Result<s3::PutReport> result,
                     ShipReport report);
    // Requeues `item` and pauses sending, or gives it up per the settings.
    void on_failure(const ShipItem& item, const std::string& error);
    void requeue(ShipItem item);
    // Writes the journal lines of every upload waiting for one, one batch at a time.
    void commit();
    void on_committed(std::vector<Uploaded> batch, const CommitWork& work);
    void on_drain_deadline();
    void maybe_finish_drain();
    void forget(const std::string& name);

    uv_loop_t* m_loop;
    std::unique_ptr<s3::S3Client> m_client;
    ShipperSettings m_settings;
    ShipperEvents m_events;
    std::shared_ptr<UploadJournal> m_journal; // shared with the worker writing it
    JournalIndex m_index;
    std::map<std::string, ShipItem, ByShippingOrder> m_queue;
    std::set<std::string> m_uploading; // names measuring or sending
    std::vector<Uploaded> m_to_commit;
    std::size_t m_committing = 0;          // uploads in the journal write under way
    std::set<std::string> m_names;         // queued, uploading or committing
    std::map<std::string, int> m_failures; // failed tries per name
    std::vector<ShipItem> m_abandoned;     // cut off by the drain deadline
    int m_failures_in_a_row = 0;
    bool m_ready = false;
    bool m_unusable = false; // the journal could not be opened: nothing is ever sent
    bool m_probing = false;  // after a pause, one upload at a time until one succeeds
    bool m_cut_off = false;  // the drain deadline passed, or the shipper is finished
    bool m_closing_client = false;
    std::function<void(std::vector<ShipItem>)> m_drain_done;
    UvHandle<uv_timer_t> m_backoff;
    UvHandle<uv_timer_t> m_drain_timer;
    std::mt19937_64 m_random{std::random_device{}()};
    // Worker and client callbacks hold it weakly to learn that the shipper is gone.
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

} // namespace ov2ha::chunks
