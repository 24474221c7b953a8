// Stream-copy join; see joiner.hpp. Two passes over the chunks, one function
// per stage as in FFmpeg's remux.c: a scan reads headers and packet tables
// (not the media data) to choose the streams, check every chunk and count its
// packets; the copy then writes one MP4 whose moov goes into room reserved at
// the start, so no second faststart pass rewrites the file.
#include "core/media/joiner.hpp"

#include "core/base/files.hpp"
#include "core/base/log.hpp"
#include "core/media/av_util.hpp"

extern "C" {
#include <libavutil/mathematics.h>
#include <libavutil/opt.h>
}

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace ov2ha::media {
namespace {

// Chunks are read through a memory mapping: media data goes from the page
// cache straight into packets, one copy, no system call per read. The AVIO
// buffer then only serves box headers, so it stays small.
constexpr int k_read_buffer_bytes = 16 << 10;
// The output is written in 512 KiB blocks (libavformat's default is 32 KiB);
// larger blocks fall out of the CPU cache and copy slower.
constexpr int k_write_buffer_bytes = 512 << 10;
// Blocks in flight between the muxer and the writer thread.
constexpr int k_write_blocks = 8;
// Written data is handed to the disk every 32 MiB instead of all at the end.
constexpr std::int64_t k_writeback_bytes = 32 << 20;
// Worst case moov bytes per packet: stts 8 + ctts 8 + stsz 4 + stss 4 + co64 8
// + stsc 12, rounded up. Real files need about a sixth of it.
constexpr std::int64_t k_moov_bytes_per_packet = 48;
// Fixed moov parts (mvhd, tkhd, mdia, stsd, udta, ...) with room to spare.
constexpr std::int64_t k_moov_slack_bytes = 64 << 10;

std::string file_name_of(const std::string& path) {
    return std::filesystem::path(path).filename().string();
}

bool cancelled(const JoinOptions& options) {
    return options.cancel && options.cancel->load(std::memory_order_relaxed);
}

Error cancelled_error() {
    return failure("join cancelled; no output was written");
}

std::string errno_words(const std::string& action, const std::string& path) {
    return "cannot " + action + " " + path + ": " + std::strerror(errno);
}

Result<IoContext> make_io(int buffer_bytes, bool write, void* opaque,
                          int (*read)(void*, uint8_t*, int),
                          int (*write_packet)(void*, uint8_t*, int),
                          int64_t (*seek)(void*, int64_t, int)) {
    auto* buffer = static_cast<unsigned char*>(av_malloc(static_cast<size_t>(buffer_bytes)));
    if (!buffer) {
        return failure("out of memory for a " + std::to_string(buffer_bytes) + " byte buffer");
    }
    IoContext io(
        avio_alloc_context(buffer, buffer_bytes, write ? 1 : 0, opaque, read, write_packet, seek));
    if (!io) {
        av_free(buffer);
        return failure("out of memory for an I/O context");
    }
    return io;
}

// A chunk file mapped into memory and handed to libavformat as an AVIOContext.
// Owns the mapping and the context; the callbacks never throw. The chunk must
// not shrink while it is open (closed chunks never do).
class MappedInput {
  public:
    // `whole` maps every page up front (for reading all of it); otherwise pages
    // come in as they are touched (for reading headers only).
    static Result<std::unique_ptr<MappedInput>> open(const std::string& path, bool whole) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            return failure(errno_words("open", path));
        }
        struct stat info;
        if (::fstat(fd, &info) != 0) {
            const std::string words = errno_words("inspect", path);
            ::close(fd);
            return failure(words);
        }
        std::unique_ptr<MappedInput> input(new MappedInput());
        input->m_size = static_cast<std::int64_t>(info.st_size);
        if (input->m_size > 0) {
            void* data = ::mmap(nullptr, static_cast<size_t>(input->m_size), PROT_READ,
                                MAP_PRIVATE | (whole ? MAP_POPULATE : 0), fd, 0);
            if (data == MAP_FAILED) {
                const std::string words = errno_words("map", path);
                ::close(fd);
                return failure(words);
            }
            input->m_data = static_cast<uint8_t*>(data);
        }
        ::close(fd);
        auto io = make_io(k_read_buffer_bytes, false, input.get(), &MappedInput::read_packet,
                          nullptr, &MappedInput::seek);
        if (!io) {
            return io.error();
        }
        input->m_io = std::move(*io);
        // Packet reads bypass the buffer and copy from the mapping directly.
        input->m_io->direct = whole ? 1 : 0;
        return input;
    }

    ~MappedInput() {
        m_io.reset();
        if (m_data) {
            ::munmap(m_data, static_cast<size_t>(m_size));
        }
    }
    MappedInput(const MappedInput&) = delete;
    MappedInput& operator=(const MappedInput&) = delete;

    AVIOContext* io() const { return m_io.get(); }
    std::int64_t size() const { return m_size; }

  private:
    MappedInput() = default;

    static int read_packet(void* opaque, uint8_t* buffer, int size) {
        auto* input = static_cast<MappedInput*>(opaque);
        if (input->m_position >= input->m_size) {
            return AVERROR_EOF;
        }
        const auto length =
            static_cast<int>(std::min<std::int64_t>(size, input->m_size - input->m_position));
        std::memcpy(buffer, input->m_data + input->m_position, static_cast<size_t>(length));
        input->m_position += length;
        return length;
    }

    static int64_t seek(void* opaque, int64_t offset, int whence) {
        auto* input = static_cast<MappedInput*>(opaque);
        if (whence & AVSEEK_SIZE) {
            return input->m_size;
        }
        std::int64_t base = 0;
        switch (whence & ~AVSEEK_FORCE) {
        case SEEK_SET:
            break;
        case SEEK_CUR:
            base = input->m_position;
            break;
        case SEEK_END:
            base = input->m_size;
            break;
        default:
            return AVERROR(EINVAL);
        }
        if (base + offset < 0) {
            return AVERROR(EINVAL);
        }
        input->m_position = base + offset;
        return input->m_position;
    }

    uint8_t* m_data = nullptr;
    std::int64_t m_size = 0;
    std::int64_t m_position = 0;
    IoContext m_io;
};

// The output file behind libavformat's AVIO buffer. With `background` set, a
// writer thread puts the muxer's blocks on disk (in order, at their offsets)
// while the caller goes on demuxing and muxing: the kernel's copy into the
// page cache, the largest single cost of a join, runs on the other core.
// Owns the descriptor, the context, the block pool and the thread; the
// callbacks never throw and never allocate.
class OutputIo {
  public:
    static Result<std::unique_ptr<OutputIo>> create(const std::string& path, bool background) {
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            return failure(errno_words("create", path));
        }
        std::unique_ptr<OutputIo> output(new OutputIo(fd, background));
        auto io = make_io(k_write_buffer_bytes, true, output.get(), nullptr,
                          &OutputIo::write_packet, &OutputIo::seek);
        if (!io) {
            return io.error();
        }
        output->m_io = std::move(*io);
        if (background) {
            try {
                output->m_writer = std::thread([raw = output.get()] { raw->write_blocks(); });
            } catch (const std::system_error& error) {
                return failure(std::string("cannot start the writer thread: ") + error.what());
            }
        }
        return output;
    }

    ~OutputIo() {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_changed.notify_all();
        if (m_writer.joinable()) {
            m_writer.join();
        }
        m_io.reset();
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    OutputIo(const OutputIo&) = delete;
    OutputIo& operator=(const OutputIo&) = delete;

    AVIOContext* io() const { return m_io.get(); }

    // Flushes the buffer, waits for the writer, puts the file on disk (fsync)
    // and closes it.
    Status sync_and_close(const std::string& path) {
        avio_flush(m_io.get());
        int error = 0;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [this] { return m_queue.empty(); });
            error = m_error;
        }
        if (error != 0) {
            return failure("cannot write " + path + ": " + std::strerror(error));
        }
        if (m_io->error < 0) {
            return failure("cannot write " + path + ": " + av_error_string(m_io->error));
        }
        if (::fsync(m_fd) != 0) {
            return failure(errno_words("flush to disk", path));
        }
        const int rc = ::close(m_fd);
        m_fd = -1;
        if (rc != 0) {
            return failure(errno_words("close", path));
        }
        return success();
    }

  private:
    struct Block {
        std::int64_t offset = 0;
        int size = 0;
        uint8_t* bytes = nullptr;
    };

    OutputIo(int fd, bool background) : m_fd(fd), m_background(background) {
        if (background) {
            m_pool.resize(static_cast<size_t>(k_write_blocks) * k_write_buffer_bytes);
            for (int i = 0; i < k_write_blocks; ++i) {
                m_free.push_back(m_pool.data() + static_cast<size_t>(i) * k_write_buffer_bytes);
            }
        }
    }

    // Writes `size` bytes at `offset`; 0 or an errno value.
    int put(std::int64_t offset, const uint8_t* bytes, int size) {
        int written = 0;
        while (written < size) {
            const ssize_t n = ::pwrite(m_fd, bytes + written, static_cast<size_t>(size - written),
                                       offset + written);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0) {
                return errno;
            }
            written += static_cast<int>(n);
        }
        m_unsynced_bytes += written;
        if (m_unsynced_bytes >= k_writeback_bytes) {
            // Start writing the file out now (no waiting), so the final fsync
            // has only the tail left. Only a hint: its failure changes nothing.
            ::sync_file_range(m_fd, 0, 0, SYNC_FILE_RANGE_WRITE);
            m_unsynced_bytes = 0;
        }
        return 0;
    }

    // The writer thread: takes blocks in order until stopped.
    void write_blocks() {
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_changed.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_queue.empty()) {
                return;
            }
            const Block block = m_queue.front();
            const bool failed = m_error != 0;
            lock.unlock();
            const int error = failed ? 0 : put(block.offset, block.bytes, block.size);
            lock.lock();
            if (error != 0 && m_error == 0) {
                m_error = error;
            }
            m_queue.pop_front();
            m_free.push_back(block.bytes);
            m_changed.notify_all();
        }
    }

    static int write_packet(void* opaque, uint8_t* buffer, int size) {
        auto* output = static_cast<OutputIo*>(opaque);
        const std::int64_t offset = output->m_position;
        output->m_position += size;
        output->m_size = std::max(output->m_size, output->m_position);
        if (!output->m_background) {
            const int error = output->put(offset, buffer, size);
            return error != 0 ? AVERROR(error) : size;
        }
        std::unique_lock lock(output->m_mutex);
        output->m_changed.wait(lock,
                               [output] { return !output->m_free.empty() || output->m_error; });
        if (output->m_error != 0) {
            return AVERROR(output->m_error);
        }
        uint8_t* bytes = output->m_free.back();
        output->m_free.pop_back();
        lock.unlock();
        std::memcpy(bytes, buffer, static_cast<size_t>(size));
        lock.lock();
        output->m_queue.push_back({offset, size, bytes});
        output->m_changed.notify_all();
        return size;
    }

    static int64_t seek(void* opaque, int64_t offset, int whence) {
        auto* output = static_cast<OutputIo*>(opaque);
        if (whence & AVSEEK_SIZE) {
            return output->m_size;
        }
        std::int64_t base = 0;
        switch (whence & ~AVSEEK_FORCE) {
        case SEEK_SET:
            break;
        case SEEK_CUR:
            base = output->m_position;
            break;
        case SEEK_END:
            base = output->m_size;
            break;
        default:
            return AVERROR(EINVAL);
        }
        if (base + offset < 0) {
            return AVERROR(EINVAL);
        }
        output->m_position = base + offset;
        return output->m_position;
    }

    int m_fd = -1;
    const bool m_background;
    std::int64_t m_position = 0;       // where the muxer's next bytes go
    std::int64_t m_size = 0;           // the file's size once every block is written
    std::int64_t m_unsynced_bytes = 0; // written since writeback was last started
    IoContext m_io;

    std::vector<uint8_t> m_pool; // k_write_blocks blocks of k_write_buffer_bytes
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Block> m_queue;    // waiting for the writer, in order
    std::vector<uint8_t*> m_free; // blocks the muxer may fill
    int m_error = 0;              // the writer's first errno
    bool m_stopping = false;
    std::thread m_writer;
};

// Removes the temporary output unless it was renamed into place.
class TemporaryFile {
  public:
    explicit TemporaryFile(std::string path) : m_path(std::move(path)) {}
    ~TemporaryFile() { ::unlink(m_path.c_str()); }
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;
    const std::string& path() const { return m_path; }

  private:
    std::string m_path;
};

// An opened chunk: the demuxer is declared last so it closes before its file.
struct OpenedChunk {
    std::unique_ptr<MappedInput> file;
    InputFormat format;
};

// True when the MP4 header already told us what stream copy needs, so the
// costly avformat_find_stream_info (decoding frames) can be skipped.
bool header_describes_streams(const AVFormatContext* format) {
    for (unsigned i = 0; i < format->nb_streams; ++i) {
        const AVCodecParameters* parameters = format->streams[i]->codecpar;
        if (parameters->codec_type == AVMEDIA_TYPE_VIDEO &&
            (parameters->codec_id == AV_CODEC_ID_NONE || parameters->width <= 0 ||
             parameters->height <= 0)) {
            return false;
        }
        if (parameters->codec_type == AVMEDIA_TYPE_AUDIO &&
            (parameters->codec_id == AV_CODEC_ID_NONE || parameters->sample_rate <= 0 ||
             parameters->ch_layout.nb_channels <= 0)) {
            return false;
        }
    }
    return true;
}

// Opens a chunk for its headers only (`whole` false) or to read all of it.
Result<OpenedChunk> open_chunk(const std::string& path, bool whole) {
    auto file = MappedInput::open(path, whole);
    if (!file) {
        return file.error();
    }
    if ((*file)->size() == 0) {
        return failure("the file is empty");
    }
    AVFormatContext* raw = avformat_alloc_context();
    if (!raw) {
        return failure("out of memory for a demuxer");
    }
    raw->pb = (*file)->io();
    // Stream copy takes MP4 packets as stored: no parser passes over the data
    // (for H.264 that alone costs a copy of every packet). Packets are whole
    // frames here, so libavformat still fills in missing durations.
    raw->flags |= AVFMT_FLAG_NOPARSE;
    // Chunks are MP4 by name; naming the demuxer skips probing, which would
    // copy the first read buffer into a new one for every chunk.
    static const AVInputFormat* const mp4 = av_find_input_format("mp4");
    if (const int rc = avformat_open_input(&raw, path.c_str(), mp4, nullptr); rc < 0) {
        return failure("not a readable media file (" + av_error_string(rc) + ")");
    }
    OpenedChunk chunk{std::move(*file), InputFormat(raw)};
    if (!header_describes_streams(chunk.format.get())) {
        if (const int rc = avformat_find_stream_info(chunk.format.get(), nullptr); rc < 0) {
            return failure("cannot read its stream parameters (" + av_error_string(rc) + ")");
        }
    }
    return chunk;
}

// One stream of the output, as the first readable chunk had it.
struct OutputStream {
    AVMediaType type = AVMEDIA_TYPE_UNKNOWN;
    CodecParameters parameters;
    AVRational time_base{0, 1};
    std::int64_t pace_us = 0; // nominal packet duration: a frame, or an audio frame's samples
};

// What the scan learned about one chunk.
struct ChunkPlan {
    bool usable = false;
    std::vector<int> output_for_input; // per input stream: output index, or -1
    std::int64_t reference_start =
        AV_NOPTS_VALUE;        // first pts of the reference stream (input time base)
    std::uint64_t packets = 0; // of mapped streams, for the moov estimate
    std::string note;          // kept for the report (e.g. a missing audio stream)
};

struct Scan {
    std::vector<OutputStream> outputs; // video first when there is video: output 0 is the reference
    std::vector<ChunkPlan> plans;      // one per input chunk
};

const char* type_name(AVMediaType type) {
    const char* name = av_get_media_type_string(type);
    return name ? name : "unknown";
}

std::string codec_name(AVCodecID id) {
    return avcodec_get_name(id);
}

// The first readable chunk decides the output: its best video and best audio.
Result<std::vector<OutputStream>> choose_output_streams(AVFormatContext* format) {
    std::vector<OutputStream> outputs;
    int video = -1;
    for (const AVMediaType type : {AVMEDIA_TYPE_VIDEO, AVMEDIA_TYPE_AUDIO}) {
        const int index = av_find_best_stream(format, type, -1,
                                              type == AVMEDIA_TYPE_AUDIO ? video : -1, nullptr, 0);
        if (index < 0) {
            continue;
        }
        if (type == AVMEDIA_TYPE_VIDEO) {
            video = index;
        }
        const AVStream* stream = format->streams[index];
        OutputStream output;
        output.type = type;
        output.parameters.reset(avcodec_parameters_alloc());
        if (!output.parameters) {
            return failure("out of memory for codec parameters");
        }
        if (const int rc = avcodec_parameters_copy(output.parameters.get(), stream->codecpar);
            rc < 0) {
            return failure("cannot copy codec parameters: " + av_error_string(rc));
        }
        output.time_base = stream->time_base;
        if (type == AVMEDIA_TYPE_VIDEO && stream->r_frame_rate.num > 0 &&
            stream->r_frame_rate.den > 0) {
            output.pace_us = av_rescale_q(1, av_inv_q(stream->r_frame_rate), AV_TIME_BASE_Q);
        } else if (type == AVMEDIA_TYPE_AUDIO && stream->codecpar->sample_rate > 0) {
            output.pace_us = av_rescale(stream->codecpar->frame_size, AV_TIME_BASE,
                                        stream->codecpar->sample_rate);
        }
        outputs.push_back(std::move(output));
    }
    if (outputs.empty()) {
        return failure("it has neither a video nor an audio stream");
    }
    return outputs;
}

// Words for how `actual` differs from the output's stream, or empty when a
// stream copy can continue with it.
std::string difference(const AVCodecParameters& expected, const AVCodecParameters& actual) {
    const std::string type = type_name(expected.codec_type);
    if (expected.codec_id != actual.codec_id) {
        return type + " codec " + codec_name(actual.codec_id) + " differs from the first chunk's " +
               codec_name(expected.codec_id);
    }
    if (expected.codec_type == AVMEDIA_TYPE_VIDEO &&
        (expected.width != actual.width || expected.height != actual.height)) {
        return "video size " + std::to_string(actual.width) + "x" + std::to_string(actual.height) +
               " differs from the first chunk's " + std::to_string(expected.width) + "x" +
               std::to_string(expected.height);
    }
    if (expected.codec_type == AVMEDIA_TYPE_AUDIO &&
        (expected.sample_rate != actual.sample_rate ||
         expected.ch_layout.nb_channels != actual.ch_layout.nb_channels)) {
        return "audio " + std::to_string(actual.sample_rate) + " Hz " +
               std::to_string(actual.ch_layout.nb_channels) +
               " channel(s) differs from the first chunk's " +
               std::to_string(expected.sample_rate) + " Hz " +
               std::to_string(expected.ch_layout.nb_channels) + " channel(s)";
    }
    if (expected.extradata_size != actual.extradata_size ||
        (expected.extradata_size > 0 &&
         std::memcmp(expected.extradata, actual.extradata,
                     static_cast<size_t>(expected.extradata_size)) != 0)) {
        return type + " codec setup (" + codec_name(actual.codec_id) +
               " extradata) differs from the first chunk's";
    }
    return {};
}

// Maps a chunk's streams onto the output by codec type. The reference stream
// (output 0) must be present; a missing audio stream leaves a gap in the audio.
Result<ChunkPlan> map_chunk(AVFormatContext* format, const std::vector<OutputStream>& outputs) {
    ChunkPlan plan;
    plan.output_for_input.assign(format->nb_streams, -1);
    int related = -1;
    for (size_t out = 0; out < outputs.size(); ++out) {
        const int index = av_find_best_stream(format, outputs[out].type, -1, related, nullptr, 0);
        if (index < 0) {
            if (out == 0) {
                return failure(std::string("it has no ") + type_name(outputs[out].type) +
                               " stream");
            }
            plan.note = std::string("no ") + type_name(outputs[out].type) + " stream: a gap";
            continue;
        }
        related = index;
        if (const std::string words =
                difference(*outputs[out].parameters, *format->streams[index]->codecpar);
            !words.empty()) {
            return failure(words);
        }
        plan.output_for_input[static_cast<size_t>(index)] = static_cast<int>(out);
    }
    return plan;
}

// Reads the first packet of the reference stream (its timestamp places the
// chunk on the output timeline), then walks the rest of the packet tables
// with every stream discarded, so no media data is read, and counts the
// mapped packets the demuxer indexed on the way.
Status count_packets(AVFormatContext* format, ChunkPlan& plan, const JoinOptions& options) {
    for (unsigned i = 0; i < format->nb_streams; ++i) {
        format->streams[i]->discard =
            plan.output_for_input[i] == 0 ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
    }
    Packet packet = make_packet();
    // A read error ends the tables; the copy finds out how much is readable.
    while (av_read_frame(format, packet.get()) >= 0) {
        if (cancelled(options)) {
            return cancelled_error();
        }
        if (plan.reference_start == AV_NOPTS_VALUE &&
            plan.output_for_input[static_cast<size_t>(packet->stream_index)] == 0) {
            plan.reference_start = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
            for (unsigned i = 0; i < format->nb_streams; ++i) {
                format->streams[i]->discard = AVDISCARD_ALL;
            }
        }
        av_packet_unref(packet.get());
    }
    for (unsigned i = 0; i < format->nb_streams; ++i) {
        if (plan.output_for_input[i] >= 0) {
            plan.packets += static_cast<std::uint64_t>(
                std::max(0, avformat_index_get_entries_count(format->streams[i])));
        }
    }
    return success();
}

void skip_chunk(ChunkOutcome& outcome, const std::string& path, const std::string& why) {
    outcome.status = "skipped";
    outcome.detail = why;
    log::warn("chunk skipped", {{"chunk", path}, {"reason", why}});
}

// The scan: opens every chunk, chooses the output streams from the first
// readable one, plans each chunk or marks it skipped in `report`.
Result<Scan> scan_chunks(const JoinOptions& options, JoinReport& report) {
    Scan scan;
    scan.plans.resize(options.chunks.size());
    for (size_t i = 0; i < options.chunks.size(); ++i) {
        const std::string& path = options.chunks[i].path;
        ChunkOutcome& outcome = report.chunks[i];
        auto chunk = open_chunk(path, false);
        if (!chunk) {
            skip_chunk(outcome, path, chunk.message());
            continue;
        }
        AVFormatContext* format = chunk->format.get();
        if (scan.outputs.empty()) {
            // The output's codec parameters come from this chunk: have them
            // complete (audio frame size and the like), as a remux would.
            if (const int rc = avformat_find_stream_info(format, nullptr); rc < 0) {
                skip_chunk(outcome, path,
                           "cannot read its stream parameters (" + av_error_string(rc) + ")");
                continue;
            }
            auto outputs = choose_output_streams(format);
            if (!outputs) {
                skip_chunk(outcome, path, outputs.message());
                continue;
            }
            scan.outputs = std::move(*outputs);
        }
        auto plan = map_chunk(format, scan.outputs);
        if (!plan) {
            skip_chunk(outcome, path, plan.message());
            continue;
        }
        if (auto counted = count_packets(format, *plan, options); !counted) {
            return counted.error();
        }
        if (plan->reference_start == AV_NOPTS_VALUE) {
            skip_chunk(outcome, path,
                       std::string("it holds no ") + type_name(scan.outputs[0].type) + " packets");
            continue;
        }
        plan->usable = true;
        scan.plans[i] = std::move(*plan);
    }
    if (std::none_of(scan.plans.begin(), scan.plans.end(),
                     [](const ChunkPlan& plan) { return plan.usable; })) {
        std::string first_problem;
        for (const auto& outcome : report.chunks) {
            if (!outcome.detail.empty()) {
                first_problem = outcome.chunk + ": " + outcome.detail;
                break;
            }
        }
        return failure("none of the " + std::to_string(options.chunks.size()) +
                       " chunk file(s) holds readable media (" + first_problem + ")");
    }
    return scan;
}

// Bytes to reserve for the moov, or 0 when it could not fit the muxer's
// option (then +faststart moves it after the fact).
std::int64_t estimate_moov_bytes(const Scan& scan) {
    std::int64_t bytes = k_moov_slack_bytes;
    for (const auto& output : scan.outputs) {
        bytes += output.parameters->extradata_size;
    }
    for (const auto& plan : scan.plans) {
        if (plan.usable) {
            bytes += static_cast<std::int64_t>(plan.packets) * k_moov_bytes_per_packet;
        }
    }
    return bytes <= INT_MAX ? bytes : 0;
}

// The output being written: the muxer is declared last so it closes first.
struct OutputFile {
    std::unique_ptr<OutputIo> file;
    OutputFormat format;
};

Result<OutputFile> open_output(const std::string& path, const std::vector<OutputStream>& outputs,
                               std::int64_t moov_bytes) {
    AVFormatContext* raw = nullptr;
    if (const int rc = avformat_alloc_output_context2(&raw, nullptr, "mp4", path.c_str()); rc < 0) {
        return failure("cannot set up the MP4 muxer: " + av_error_string(rc));
    }
    OutputFormat format(raw);
    format->flags |= AVFMT_FLAG_CUSTOM_IO;
    // Write whole buffers: by default a custom AVIOContext is flushed after every packet.
    format->flush_packets = 0;
    // The +faststart pass reads the file back through its own handle, so it
    // needs every byte on disk as it goes: no background writer then.
    auto file = OutputIo::create(path, moov_bytes > 0);
    if (!file) {
        return file.error();
    }
    format->pb = (*file)->io();
    for (const auto& output : outputs) {
        AVStream* stream = avformat_new_stream(raw, nullptr);
        if (!stream) {
            return failure("out of memory for an output stream");
        }
        if (const int rc = avcodec_parameters_copy(stream->codecpar, output.parameters.get());
            rc < 0) {
            return failure("cannot copy codec parameters: " + av_error_string(rc));
        }
        stream->codecpar->codec_tag = 0;
        stream->time_base = output.time_base;
    }
    const int rc = moov_bytes > 0 ? av_opt_set_int(raw->priv_data, "moov_size", moov_bytes, 0)
                                  : av_opt_set(raw->priv_data, "movflags", "+faststart", 0);
    if (rc < 0) {
        return failure("cannot set the MP4 muxer's moov placement: " + av_error_string(rc));
    }
    if (const int written = avformat_write_header(raw, nullptr); written < 0) {
        return failure("cannot write the header of " + path + ": " + av_error_string(written));
    }
    return OutputFile{std::move(*file), std::move(format)};
}

// Where each output stream stands, shared by all chunks.
struct StreamState {
    std::int64_t last_dts = AV_NOPTS_VALUE; // output time base
    std::int64_t pace = 0; // usual packet duration (output time base): fills in missing ones
};

struct Timeline {
    std::int64_t reference_end = 0; // end of the reference stream so far (µs)
    std::int64_t end = 0;           // end of the latest packet of any stream (µs)
    std::vector<StreamState> streams;
};

std::int64_t to_microseconds(std::int64_t ts, AVRational time_base) {
    return av_rescale_q(ts, time_base, AV_TIME_BASE_Q);
}

// Puts one packet on the output timeline: rescaled, shifted by `shift`, its
// missing duration filled in. False when it must be dropped: it has no
// timestamp, or its DTS would not increase.
bool place_packet(AVPacket& packet, AVRational in_base, AVRational out_base, std::int64_t shift,
                  StreamState& state) {
    av_packet_rescale_ts(&packet, in_base, out_base);
    if (packet.dts == AV_NOPTS_VALUE) {
        packet.dts = packet.pts;
    }
    if (packet.pts == AV_NOPTS_VALUE) {
        packet.pts = packet.dts;
    }
    if (packet.dts == AV_NOPTS_VALUE) {
        return false;
    }
    packet.pts += shift;
    packet.dts += shift;
    if ((state.last_dts != AV_NOPTS_VALUE && packet.dts <= state.last_dts) ||
        packet.pts < packet.dts) {
        return false;
    }
    if (packet.duration <= 0) {
        packet.duration = state.pace;
    }
    return true;
}

// Fills in the outcome's status and words once a chunk has been copied.
void conclude_chunk(ChunkOutcome& outcome, const std::string& cut, const std::string& note) {
    if (outcome.packets_kept == 0) {
        outcome.status = "skipped";
        outcome.detail = cut.empty() ? "no packet could be used" : "nothing readable: " + cut;
    } else if (!cut.empty()) {
        outcome.status = "truncated";
        outcome.detail = cut;
    } else {
        outcome.status = "ok";
        outcome.detail = note;
    }
    if (outcome.packets_dropped > 0 && outcome.status != "skipped") {
        outcome.detail += (outcome.detail.empty() ? "" : "; ") + std::string("dropped ") +
                          std::to_string(outcome.packets_dropped) +
                          " packet(s) that were damaged or out of time order";
    }
    if (outcome.status != "ok") {
        log::warn(outcome.status == "skipped" ? "chunk skipped" : "chunk truncated",
                  {{"chunk", outcome.chunk}, {"detail", outcome.detail}});
    }
}

// Copies one chunk's mapped packets, shifted so its reference stream starts
// where the previous chunk's ended. Read problems cut the chunk (recorded in
// `outcome`); only write errors and cancellation fail.
Status copy_chunk(AVFormatContext* input, const ChunkPlan& plan, AVFormatContext* output,
                  Timeline& timeline, ChunkOutcome& outcome, const JoinOptions& options) {
    int reference_input = -1;
    for (unsigned i = 0; i < input->nb_streams; ++i) {
        const int out = plan.output_for_input[i];
        input->streams[i]->discard = out < 0 ? AVDISCARD_ALL : AVDISCARD_DEFAULT;
        if (out == 0) {
            reference_input = static_cast<int>(i);
        }
    }
    const std::int64_t shift_us =
        timeline.reference_end -
        to_microseconds(plan.reference_start, input->streams[reference_input]->time_base);
    std::vector<std::int64_t> shift(output->nb_streams);
    for (unsigned out = 0; out < output->nb_streams; ++out) {
        shift[out] = av_rescale_q(shift_us, AV_TIME_BASE_Q, output->streams[out]->time_base);
    }
    std::vector<std::int64_t> chunk_last_dts(output->nb_streams, AV_NOPTS_VALUE);
    std::int64_t reference_first = AV_NOPTS_VALUE, reference_end = AV_NOPTS_VALUE;
    std::string cut;
    Packet packet = make_packet();
    for (;;) {
        if (cancelled(options)) {
            return cancelled_error();
        }
        if (const int rc = av_read_frame(input, packet.get()); rc < 0) {
            if (rc != AVERROR_EOF) {
                cut = "read error: " + av_error_string(rc);
            }
            break;
        }
        const int out = plan.output_for_input[static_cast<size_t>(packet->stream_index)];
        if (out < 0) {
            av_packet_unref(packet.get());
            continue;
        }
        if (packet->flags & AV_PKT_FLAG_CORRUPT) {
            cut = "a packet is cut short (the writer stopped mid-chunk)";
            ++outcome.packets_dropped;
            av_packet_unref(packet.get());
            break;
        }
        const AVRational out_base = output->streams[out]->time_base;
        StreamState& state = timeline.streams[static_cast<size_t>(out)];
        if (!place_packet(*packet, input->streams[packet->stream_index]->time_base, out_base,
                          shift[out], state)) {
            ++outcome.packets_dropped;
            av_packet_unref(packet.get());
            continue;
        }
        std::int64_t& previous_dts = chunk_last_dts[static_cast<size_t>(out)];
        if (previous_dts != AV_NOPTS_VALUE) {
            state.pace = packet->dts - previous_dts;
        }
        previous_dts = state.last_dts = packet->dts;
        // A chunk's last frame often carries a duration its muxer guessed
        // short; the usual pace says where the next frame belongs.
        const std::int64_t end =
            to_microseconds(packet->pts + std::max(packet->duration, state.pace), out_base);
        if (out == 0) {
            const std::int64_t start = to_microseconds(packet->pts, out_base);
            reference_first =
                reference_first == AV_NOPTS_VALUE ? start : std::min(reference_first, start);
            reference_end = reference_end == AV_NOPTS_VALUE ? end : std::max(reference_end, end);
        }
        timeline.end = std::max(timeline.end, end);
        packet->stream_index = out;
        packet->pos = -1;
        if (const int rc = av_interleaved_write_frame(output, packet.get()); rc < 0) {
            return failure("cannot write packet: " + av_error_string(rc));
        }
        ++outcome.packets_kept;
    }
    if (reference_end != AV_NOPTS_VALUE) {
        timeline.reference_end = std::max(timeline.reference_end, reference_end);
        outcome.seconds_kept = static_cast<double>(reference_end - reference_first) / AV_TIME_BASE;
    }
    conclude_chunk(outcome, cut, plan.note);
    return success();
}

// What one write attempt produced: false when the reserved moov room was too
// small (the muxer refuses to finish); the caller then retries with +faststart.
struct Attempt {
    bool moov_fitted = true;
    JoinReport report;
};

Result<Attempt> write_output(const JoinOptions& options, const Scan& scan,
                             const JoinReport& scanned, const std::string& temporary,
                             std::int64_t moov_bytes) {
    Attempt attempt{true, scanned};
    auto output = open_output(temporary, scan.outputs, moov_bytes);
    if (!output) {
        return output.error();
    }
    Timeline timeline;
    for (size_t out = 0; out < scan.outputs.size(); ++out) {
        StreamState state;
        state.pace = av_rescale_q(scan.outputs[out].pace_us, AV_TIME_BASE_Q,
                                  output->format->streams[out]->time_base);
        timeline.streams.push_back(state);
    }
    const size_t total = options.chunks.size();
    for (size_t i = 0; i < total; ++i) {
        if (scan.plans[i].usable) {
            auto chunk = open_chunk(options.chunks[i].path, true);
            if (!chunk) {
                skip_chunk(attempt.report.chunks[i], options.chunks[i].path, chunk.message());
            } else if (auto copied =
                           copy_chunk(chunk->format.get(), scan.plans[i], output->format.get(),
                                      timeline, attempt.report.chunks[i], options);
                       !copied) {
                return copied.error();
            }
        }
        if (options.progress) {
            options.progress(i + 1, total);
        }
    }
    if (const int rc = av_write_trailer(output->format.get()); rc < 0) {
        if (moov_bytes > 0) {
            attempt.moov_fitted = false;
            return attempt;
        }
        return failure("cannot finish " + temporary + ": " + av_error_string(rc));
    }
    if (auto synced = output->file->sync_and_close(temporary); !synced) {
        return synced.error();
    }
    // The timeline starts at 0 with the reference stream, as does the MP4's presentation.
    attempt.report.duration_seconds = static_cast<double>(timeline.end) / AV_TIME_BASE;
    return attempt;
}

} // namespace

Result<JoinReport> join_chunks(const JoinOptions& options) {
    if (options.chunks.empty()) {
        return failure("there are no chunk files to join");
    }
    JoinReport scanned;
    for (const auto& chunk : options.chunks) {
        scanned.chunks.push_back({file_name_of(chunk.path), "skipped", 0, {}, 0, 0});
    }
    auto scan = scan_chunks(options, scanned);
    if (!scan) {
        return scan.error();
    }
    for (const auto& output : scan->outputs) {
        scanned.has_video |= output.type == AVMEDIA_TYPE_VIDEO;
        scanned.has_audio |= output.type == AVMEDIA_TYPE_AUDIO;
    }

    TemporaryFile temporary(temporary_path_for(options.output_path));
    const std::int64_t moov_bytes = estimate_moov_bytes(*scan);
    auto attempt = write_output(options, *scan, scanned, temporary.path(), moov_bytes);
    if (attempt && !attempt->moov_fitted) {
        log::warn(
            "the reserved moov room was too small; writing again with a faststart pass",
            {{"output", options.output_path}, {"reserved_bytes", std::to_string(moov_bytes)}});
        attempt = write_output(options, *scan, scanned, temporary.path(), 0);
    }
    if (!attempt) {
        return cancelled(options)
                   ? attempt.error()
                   : failure("cannot write " + options.output_path + ": " + attempt.message());
    }
    if (auto replaced = replace_file(temporary.path(), options.output_path); !replaced) {
        return replaced.error();
    }
    std::error_code error;
    attempt->report.output_bytes = std::filesystem::file_size(options.output_path, error);
    return std::move(attempt->report);
}

std::string join_report_json(const JoinReport& report) {
    const auto rounded = [](double seconds) { return std::round(seconds * 1000) / 1000; };
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartObject();
    writer.Key("duration_seconds");
    writer.Double(rounded(report.duration_seconds));
    writer.Key("output_bytes");
    writer.Uint64(report.output_bytes);
    writer.Key("has_video");
    writer.Bool(report.has_video);
    writer.Key("has_audio");
    writer.Bool(report.has_audio);
    writer.Key("counts");
    writer.StartObject();
    for (const char* status : {"ok", "truncated", "skipped"}) {
        writer.Key(status);
        writer.Uint64(static_cast<std::uint64_t>(
            std::count_if(report.chunks.begin(), report.chunks.end(),
                          [status](const ChunkOutcome& chunk) { return chunk.status == status; })));
    }
    writer.EndObject();
    writer.Key("chunks");
    writer.StartArray();
    for (const auto& chunk : report.chunks) {
        writer.StartObject();
        writer.Key("chunk");
        writer.String(chunk.chunk.c_str());
        writer.Key("status");
        writer.String(chunk.status.c_str());
        writer.Key("seconds_kept");
        writer.Double(rounded(chunk.seconds_kept));
        writer.Key("packets_kept");
        writer.Uint64(chunk.packets_kept);
        writer.Key("packets_dropped");
        writer.Uint64(chunk.packets_dropped);
        writer.Key("detail");
        writer.String(chunk.detail.c_str());
        writer.EndObject();
    }
    writer.EndArray();
    writer.EndObject();
    return buffer.GetString();
}

} // namespace ov2ha::media
