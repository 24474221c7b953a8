// Stream-copy join; see joiner.hpp. One pass, one function per stage as in
// FFmpeg's remux.c: the first readable chunk chooses the output streams, each
// chunk is then copied onto the end of the output as it comes, and finish()
// writes the moov at the end and moves it to the front (mp4_moov.hpp), so the
// media is never rewritten.
#include "core/media/joiner.hpp"

#include "core/base/files.hpp"
#include "core/base/log.hpp"
#include "core/media/av_util.hpp"
#include "core/media/mp4_moov.hpp"

extern "C" {
#include <libavutil/mathematics.h>
}

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <optional>
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
// Packets of other streams read before a chunk's first reference packet wait
// for it (it fixes the chunk's place on the timeline); usually a handful.
constexpr std::size_t k_max_early_packets = 1024;

std::string file_name_of(const std::string& path) {
    return std::filesystem::path(path).filename().string();
}

bool cancelled(const std::atomic<bool>* cancel) {
    return cancel && cancel->load(std::memory_order_relaxed);
}

Error cancelled_error() {
    return failure("join cancelled; no output was written");
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

// An AVIOContext seek over `size` bytes at `position` (moved on success):
// the new position, the size for AVSEEK_SIZE, or AVERROR(EINVAL).
std::int64_t seek_within(std::int64_t& position, std::int64_t size, std::int64_t offset,
                         int whence) {
    if (whence & AVSEEK_SIZE) {
        return size;
    }
    std::int64_t base = 0;
    switch (whence & ~AVSEEK_FORCE) {
    case SEEK_SET:
        break;
    case SEEK_CUR:
        base = position;
        break;
    case SEEK_END:
        base = size;
        break;
    default:
        return AVERROR(EINVAL);
    }
    if (base + offset < 0) {
        return AVERROR(EINVAL);
    }
    position = base + offset;
    return position;
}

// A chunk file mapped into memory (every page up front) and handed to
// libavformat as an AVIOContext. Owns the mapping and the context; the
// callbacks never throw. The chunk must not shrink while it is open (closed
// chunks never do).
class MappedInput {
  public:
    static Result<std::unique_ptr<MappedInput>> open(const std::string& path) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            return failure(errno_text("open", path));
        }
        struct stat info;
        if (::fstat(fd, &info) != 0) {
            const std::string words = errno_text("inspect", path);
            ::close(fd);
            return failure(words);
        }
        std::unique_ptr<MappedInput> input(new MappedInput());
        input->m_size = static_cast<std::int64_t>(info.st_size);
        if (input->m_size > 0) {
            void* data = ::mmap(nullptr, static_cast<size_t>(input->m_size), PROT_READ,
                                MAP_PRIVATE | MAP_POPULATE, fd, 0);
            if (data == MAP_FAILED) {
                const std::string words = errno_text("map", path);
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
        input->m_io->direct = 1;
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
        return seek_within(input->m_position, input->m_size, offset, whence);
    }

    uint8_t* m_data = nullptr;
    std::int64_t m_size = 0;
    std::int64_t m_position = 0;
    IoContext m_io;
};

// The output file behind libavformat's AVIO buffer. A writer thread puts the
// muxer's blocks on disk (in order, at their offsets) while the caller goes
// on demuxing and muxing: the kernel's copy into the page cache, the largest
// single cost of a join, runs on the other core. Owns the descriptor, the
// context, the block pool and the thread; the callbacks never throw and never
// allocate.
class OutputIo {
  public:
    static Result<std::unique_ptr<OutputIo>> create(const std::string& path) {
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            return failure(errno_text("create", path));
        }
        std::unique_ptr<OutputIo> output(new OutputIo(fd));
        auto io = make_io(k_write_buffer_bytes, true, output.get(), nullptr,
                          &OutputIo::write_packet, &OutputIo::seek);
        if (!io) {
            return io.error();
        }
        output->m_io = std::move(*io);
        try {
            output->m_writer = std::thread([raw = output.get()] { raw->write_blocks(); });
        } catch (const std::system_error& error) {
            return failure(std::string("cannot start the writer thread: ") + error.what());
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

    // Flushes the buffer, waits for the writer and closes the file; the
    // caller puts it on disk.
    Status close(const std::string& path) {
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
        const int rc = ::close(m_fd);
        m_fd = -1;
        if (rc != 0) {
            return failure(errno_text("close", path));
        }
        return success();
    }

  private:
    struct Block {
        std::int64_t offset = 0;
        int size = 0;
        uint8_t* bytes = nullptr;
    };

    explicit OutputIo(int fd) : m_fd(fd) {
        m_pool.resize(static_cast<size_t>(k_write_blocks) * k_write_buffer_bytes);
        for (int i = 0; i < k_write_blocks; ++i) {
            m_free.push_back(m_pool.data() + static_cast<size_t>(i) * k_write_buffer_bytes);
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
        return seek_within(output->m_position, output->m_size, offset, whence);
    }

    int m_fd = -1;
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

// Opens a chunk to read all of it. With `complete_parameters` (the chunk that
// chooses the output) its codec parameters are completed from its frames, as
// a remux would; otherwise only when its header lacks what stream copy needs.
Result<OpenedChunk> open_chunk(const std::string& path, bool complete_parameters) {
    auto file = MappedInput::open(path);
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
    if (complete_parameters || !header_describes_streams(chunk.format.get())) {
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

// How one chunk's streams map onto the output.
struct ChunkPlan {
    std::vector<int> output_for_input; // per input stream: output index, or -1
    std::string note;                  // kept for the report (e.g. a missing audio stream)
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

void skip_chunk(ChunkOutcome& outcome, const std::string& path, const std::string& why) {
    outcome.status = "skipped";
    outcome.detail = why;
    log::warn("chunk skipped", {{"chunk", path}, {"reason", why}});
}

// The output being written: the muxer is declared last so it closes first.
struct OutputFile {
    std::unique_ptr<OutputIo> file;
    OutputFormat format;
};

// Creates `path` and writes the MP4 header for `outputs`. The muxer lays the
// file out [ftyp][free][mdat][moov]: the moov goes to the front at the end.
Result<OutputFile> open_output(const std::string& path, const std::vector<OutputStream>& outputs) {
    AVFormatContext* raw = nullptr;
    if (const int rc = avformat_alloc_output_context2(&raw, nullptr, "mp4", path.c_str()); rc < 0) {
        return failure("cannot set up the MP4 muxer: " + av_error_string(rc));
    }
    OutputFormat format(raw);
    format->flags |= AVFMT_FLAG_CUSTOM_IO;
    // Write whole buffers: by default a custom AVIOContext is flushed after every packet.
    format->flush_packets = 0;
    auto file = OutputIo::create(path);
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

// Where one chunk's packets go on the output timeline.
struct ChunkClock {
    std::vector<std::int64_t> shift;    // per output stream (its time base); empty until known
    std::vector<std::int64_t> last_dts; // per output stream, within this chunk
    std::int64_t reference_first = AV_NOPTS_VALUE; // µs
    std::int64_t reference_end = AV_NOPTS_VALUE;   // µs
};

std::int64_t to_microseconds(std::int64_t ts, AVRational time_base) {
    return av_rescale_q(ts, time_base, AV_TIME_BASE_Q);
}

bool has_timestamp(const AVPacket& packet) {
    return packet.pts != AV_NOPTS_VALUE || packet.dts != AV_NOPTS_VALUE;
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

} // namespace

// Everything a join carries from one chunk to the next.
struct JoinWriter::State {
    std::string temporary_path;
    std::vector<chunks::ChunkFile> appended;
    JoinReport report;                 // one outcome per appended chunk
    std::vector<OutputStream> outputs; // from the first readable chunk; output 0 is the reference
    std::optional<OutputFile> output;  // open from the first readable chunk until finish()
    Timeline timeline;
    bool file_created = false; // temporary_path may exist
    bool renamed = false;      // finish() moved it into place
    std::string unusable;      // why no more chunks can be taken; empty while they can

    Status copy(const std::string& path, ChunkOutcome& outcome, const std::atomic<bool>* cancel);
    Status start_output(std::vector<OutputStream> chosen);
    Status copy_packets(AVFormatContext* input, const ChunkPlan& plan, ChunkOutcome& outcome,
                        const std::string& path, const std::atomic<bool>* cancel);
    Status write_packet(AVFormatContext* input, const ChunkPlan& plan, AVPacket& packet,
                        ChunkClock& clock, ChunkOutcome& outcome);
    Result<JoinReport> finish(const std::string& output_path);
    // Closes the output and removes the temporary file unless finish() renamed it.
    void discard();
};

// Opens one chunk, chooses the output streams when it is the first readable
// one, and copies it. Unreadable and mismatched chunks are recorded in
// `outcome`; only write errors and cancellation fail.
Status JoinWriter::State::copy(const std::string& path, ChunkOutcome& outcome,
                               const std::atomic<bool>* cancel) {
    auto chunk = open_chunk(path, outputs.empty());
    if (!chunk) {
        skip_chunk(outcome, path, chunk.message());
        return success();
    }
    AVFormatContext* format = chunk->format.get();
    if (outputs.empty()) {
        auto chosen = choose_output_streams(format);
        if (!chosen) {
            skip_chunk(outcome, path, chosen.message());
            return success();
        }
        if (auto started = start_output(std::move(*chosen)); !started) {
            return started;
        }
    }
    auto plan = map_chunk(format, outputs);
    if (!plan) {
        skip_chunk(outcome, path, plan.message());
        return success();
    }
    return copy_packets(format, *plan, outcome, path, cancel);
}

// Creates the output file with the chosen streams and sets up the timeline.
Status JoinWriter::State::start_output(std::vector<OutputStream> chosen) {
    outputs = std::move(chosen);
    file_created = true;
    auto opened = open_output(temporary_path, outputs);
    if (!opened) {
        return opened.error();
    }
    output = std::move(*opened);
    for (size_t out = 0; out < outputs.size(); ++out) {
        report.has_video |= outputs[out].type == AVMEDIA_TYPE_VIDEO;
        report.has_audio |= outputs[out].type == AVMEDIA_TYPE_AUDIO;
        StreamState state;
        state.pace = av_rescale_q(outputs[out].pace_us, AV_TIME_BASE_Q,
                                  output->format->streams[out]->time_base);
        timeline.streams.push_back(state);
    }
    return success();
}

// Copies one chunk's packets, shifted so its reference stream starts where
// the previous chunk's ended: shift = previous reference end - this chunk's
// first reference pts. Packets of other streams read before that first
// reference packet wait for it. Read problems cut the chunk (recorded in
// `outcome`); only write errors and cancellation fail.
Status JoinWriter::State::copy_packets(AVFormatContext* input, const ChunkPlan& plan,
                                       ChunkOutcome& outcome, const std::string& path,
                                       const std::atomic<bool>* cancel) {
    for (unsigned i = 0; i < input->nb_streams; ++i) {
        input->streams[i]->discard =
            plan.output_for_input[i] < 0 ? AVDISCARD_ALL : AVDISCARD_DEFAULT;
    }
    AVFormatContext* muxer = output->format.get();
    ChunkClock clock;
    clock.last_dts.assign(muxer->nb_streams, AV_NOPTS_VALUE);
    std::vector<Packet> early;
    std::string cut;
    Packet packet = make_packet();
    for (;;) {
        if (cancelled(cancel)) {
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
        if (clock.shift.empty()) {
            if (out != 0 || !has_timestamp(*packet)) {
                if (early.size() == k_max_early_packets) {
                    cut = std::string("no ") + type_name(outputs[0].type) +
                          " packet among its first " + std::to_string(k_max_early_packets) +
                          " packets";
                    av_packet_unref(packet.get());
                    break;
                }
                early.push_back(make_packet());
                av_packet_move_ref(early.back().get(), packet.get());
                continue;
            }
            const AVStream* reference = input->streams[packet->stream_index];
            const std::int64_t start = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
            const std::int64_t shift_us =
                timeline.reference_end - to_microseconds(start, reference->time_base);
            for (unsigned i = 0; i < muxer->nb_streams; ++i) {
                clock.shift.push_back(
                    av_rescale_q(shift_us, AV_TIME_BASE_Q, muxer->streams[i]->time_base));
            }
            for (Packet& waiting : early) {
                if (auto written = write_packet(input, plan, *waiting, clock, outcome); !written) {
                    return written;
                }
            }
            early.clear();
        }
        if (auto written = write_packet(input, plan, *packet, clock, outcome); !written) {
            return written;
        }
    }
    if (clock.shift.empty() && cut.empty()) {
        skip_chunk(outcome, path,
                   std::string("it holds no ") + type_name(outputs[0].type) + " packets");
        return success();
    }
    if (clock.reference_end != AV_NOPTS_VALUE) {
        timeline.reference_end = std::max(timeline.reference_end, clock.reference_end);
        outcome.seconds_kept =
            static_cast<double>(clock.reference_end - clock.reference_first) / AV_TIME_BASE;
    }
    conclude_chunk(outcome, cut, plan.note);
    return success();
}

// Places one packet on the timeline and hands it to the muxer, or drops it
// (counted) when it does not fit. Fails only when the muxer cannot write.
Status JoinWriter::State::write_packet(AVFormatContext* input, const ChunkPlan& plan,
                                       AVPacket& packet, ChunkClock& clock, ChunkOutcome& outcome) {
    AVFormatContext* muxer = output->format.get();
    const int out = plan.output_for_input[static_cast<size_t>(packet.stream_index)];
    const AVRational out_base = muxer->streams[out]->time_base;
    StreamState& state = timeline.streams[static_cast<size_t>(out)];
    if (!place_packet(packet, input->streams[packet.stream_index]->time_base, out_base,
                      clock.shift[static_cast<size_t>(out)], state)) {
        ++outcome.packets_dropped;
        av_packet_unref(&packet);
        return success();
    }
    std::int64_t& previous_dts = clock.last_dts[static_cast<size_t>(out)];
    if (previous_dts != AV_NOPTS_VALUE) {
        state.pace = packet.dts - previous_dts;
    }
    previous_dts = state.last_dts = packet.dts;
    // A chunk's last frame often carries a duration its muxer guessed short;
    // the usual pace says where the next frame belongs.
    const std::int64_t end =
        to_microseconds(packet.pts + std::max(packet.duration, state.pace), out_base);
    if (out == 0) {
        const std::int64_t start = to_microseconds(packet.pts, out_base);
        clock.reference_first = clock.reference_first == AV_NOPTS_VALUE
                                    ? start
                                    : std::min(clock.reference_first, start);
        clock.reference_end =
            clock.reference_end == AV_NOPTS_VALUE ? end : std::max(clock.reference_end, end);
    }
    timeline.end = std::max(timeline.end, end);
    packet.stream_index = out;
    packet.pos = -1;
    if (const int rc = av_interleaved_write_frame(muxer, &packet); rc < 0) {
        return failure("cannot write " + temporary_path + ": " + av_error_string(rc));
    }
    ++outcome.packets_kept;
    return success();
}

// Writes the moov, moves it to the front, flushes and renames the file.
Result<JoinReport> JoinWriter::State::finish(const std::string& output_path) {
    const bool kept = std::any_of(report.chunks.begin(), report.chunks.end(),
                                  [](const ChunkOutcome& chunk) { return chunk.packets_kept > 0; });
    if (!output || !kept) {
        std::string first_problem;
        for (const auto& outcome : report.chunks) {
            if (!outcome.detail.empty()) {
                first_problem = outcome.chunk + ": " + outcome.detail;
                break;
            }
        }
        return failure("none of the " + std::to_string(report.chunks.size()) +
                       " chunk file(s) holds readable media (" + first_problem + ")");
    }
    if (const int rc = av_write_trailer(output->format.get()); rc < 0) {
        return failure("cannot finish " + temporary_path + ": " + av_error_string(rc));
    }
    if (auto closed = output->file->close(temporary_path); !closed) {
        return closed.error();
    }
    output.reset();
    if (auto moved = move_moov_to_front(temporary_path); !moved) {
        return moved.error();
    }
    renamed = true; // replace_file removes the temporary file when it cannot rename it
    if (auto replaced = replace_file(temporary_path, output_path); !replaced) {
        return replaced.error();
    }
    // The timeline starts at 0 with the reference stream, as does the MP4's presentation.
    report.duration_seconds = static_cast<double>(timeline.end) / AV_TIME_BASE;
    std::error_code error;
    report.output_bytes = std::filesystem::file_size(output_path, error);
    return report;
}

JoinWriter::JoinWriter(std::unique_ptr<State> state) : m_state(std::move(state)) {}

void JoinWriter::State::discard() {
    output.reset();
    if (file_created && !renamed) {
        ::unlink(temporary_path.c_str());
        file_created = false;
    }
}

JoinWriter::~JoinWriter() {
    m_state->discard();
}

Result<std::unique_ptr<JoinWriter>> JoinWriter::create(std::string temporary_path) {
    if (temporary_path.empty()) {
        return failure("a join needs a temporary file to write into");
    }
    auto state = std::make_unique<State>();
    state->temporary_path = std::move(temporary_path);
    return std::unique_ptr<JoinWriter>(new JoinWriter(std::move(state)));
}

Status JoinWriter::append(const chunks::ChunkFile& chunk, const std::atomic<bool>* cancel) {
    State& state = *m_state;
    state.appended.push_back(chunk);
    state.report.chunks.push_back({file_name_of(chunk.path), "skipped", 0, {}, 0, 0});
    if (!state.unusable.empty()) {
        return failure("cannot add " + chunk.path + " to the join: " + state.unusable);
    }
    auto copied = state.copy(chunk.path, state.report.chunks.back(), cancel);
    if (!copied) {
        // The half-written file is worthless now; on a full disk its space is needed at once.
        state.unusable = copied.message();
        state.discard();
    }
    return copied;
}

const std::vector<chunks::ChunkFile>& JoinWriter::appended() const {
    return m_state->appended;
}

Result<JoinReport> JoinWriter::finish(const std::string& output_path) {
    State& state = *m_state;
    if (!state.unusable.empty()) {
        return failure("cannot finish " + output_path + ": " + state.unusable);
    }
    auto finished = state.finish(output_path);
    state.unusable = finished ? "the join is already finished" : finished.message();
    if (!finished) {
        state.discard();
    }
    return finished;
}

Result<JoinReport> join_chunks(const JoinOptions& options) {
    if (options.chunks.empty()) {
        return failure("there are no chunk files to join");
    }
    auto writer = JoinWriter::create(temporary_path_for(options.output_path));
    if (!writer) {
        return writer.error();
    }
    const std::size_t total = options.chunks.size();
    for (std::size_t i = 0; i < total; ++i) {
        if (auto appended = (*writer)->append(options.chunks[i], options.cancel); !appended) {
            return appended.error();
        }
        if (options.progress) {
            options.progress(i + 1, total);
        }
    }
    if (cancelled(options.cancel)) {
        return cancelled_error();
    }
    return (*writer)->finish(options.output_path);
}

std::size_t count_chunks(const JoinReport& report, const std::string& status) {
    return static_cast<std::size_t>(
        std::count_if(report.chunks.begin(), report.chunks.end(),
                      [&status](const ChunkOutcome& chunk) { return chunk.status == status; }));
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
        writer.Uint64(count_chunks(report, status));
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
