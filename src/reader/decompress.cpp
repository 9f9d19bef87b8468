// gzip and zstd input, recognised by magic bytes and inflated on a thread of its own.
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "source.hpp"

namespace vapidiag::reader_detail {

namespace {

// The bytes looked at to recognise the data, put back in front of the rest.
class PrefixSource final : public Source {
 public:
  PrefixSource(std::unique_ptr<Source> inner, std::string prefix)
      : inner_(std::move(inner)), prefix_(std::move(prefix)) {}
  std::ptrdiff_t read(std::uint8_t* dst, std::size_t n, std::string& err) override {
    if (pos_ < prefix_.size()) {
      const std::size_t k = std::min(n, prefix_.size() - pos_);
      std::memcpy(dst, prefix_.data() + pos_, k);
      pos_ += k;
      return static_cast<std::ptrdiff_t>(k);
    }
    return inner_->read(dst, n, err);
  }
  std::uint64_t size_hint() const override { return inner_->size_hint(); }
  bool would_block() const override { return pos_ >= prefix_.size() && inner_->would_block(); }
  bool wait_readable(int timeout_ms) const override {
    return pos_ < prefix_.size() || inner_->wait_readable(timeout_ms);
  }

 private:
  std::unique_ptr<Source> inner_;
  std::string prefix_;
  std::size_t pos_ = 0;
};

// One streaming decoder: input in, output out, and whether a whole stream (gzip member,
// zstd frame) just ended.
class Decoder {
 public:
  virtual ~Decoder() = default;
  // Decodes from in[*in_pos, in_len) into out[*out_pos, out_len). False with err on bad data.
  virtual bool step(const std::uint8_t* in, std::size_t in_len, std::size_t* in_pos, std::uint8_t* out,
                    std::size_t out_len, std::size_t* out_pos, std::string& err) = 0;
  // Between streams: the input may end here.
  virtual bool at_boundary() const = 0;
  virtual const char* name() const = 0;
};

class GzipDecoder final : public Decoder {
 public:
  GzipDecoder() {
    std::memset(&z_, 0, sizeof z_);
    ok_ = inflateInit2(&z_, 15 + 16) == Z_OK;  // gzip wrapper only
  }
  ~GzipDecoder() override { inflateEnd(&z_); }
  bool step(const std::uint8_t* in, std::size_t in_len, std::size_t* in_pos, std::uint8_t* out,
            std::size_t out_len, std::size_t* out_pos, std::string& err) override {
    if (!ok_) {
      err = "gzip: cannot start the decompressor";
      return false;
    }
    if (boundary_ && *in_pos < in_len) {
      // Another member follows (concatenated gzip files are one stream of data).
      inflateReset(&z_);
      boundary_ = false;
    }
    z_.next_in = const_cast<std::uint8_t*>(in + *in_pos);  // NOLINT(cppcoreguidelines-pro-type-const-cast)
    z_.avail_in = static_cast<uInt>(std::min<std::size_t>(in_len - *in_pos, 1u << 30));
    z_.next_out = out + *out_pos;
    z_.avail_out = static_cast<uInt>(std::min<std::size_t>(out_len - *out_pos, 1u << 30));
    const uInt before_in = z_.avail_in, before_out = z_.avail_out;
    const int r = inflate(&z_, Z_NO_FLUSH);
    *in_pos += before_in - z_.avail_in;
    *out_pos += before_out - z_.avail_out;
    if (r == Z_STREAM_END) {
      boundary_ = true;
      return true;
    }
    if (r == Z_OK || r == Z_BUF_ERROR) return true;
    err = std::string("gzip: ") + (z_.msg ? z_.msg : "invalid compressed data");
    return false;
  }
  bool at_boundary() const override { return boundary_; }
  const char* name() const override { return "gzip"; }

 private:
  z_stream z_;
  bool ok_ = false;
  bool boundary_ = false;
};

class ZstdDecoder final : public Decoder {
 public:
  ZstdDecoder() : d_(ZSTD_createDStream()) {
    if (d_) ZSTD_initDStream(d_);
  }
  ~ZstdDecoder() override { ZSTD_freeDStream(d_); }
  bool step(const std::uint8_t* in, std::size_t in_len, std::size_t* in_pos, std::uint8_t* out,
            std::size_t out_len, std::size_t* out_pos, std::string& err) override {
    if (!d_) {
      err = "zstd: cannot start the decompressor";
      return false;
    }
    ZSTD_inBuffer ib{in, in_len, *in_pos};
    ZSTD_outBuffer ob{out, out_len, *out_pos};
    const std::size_t r = ZSTD_decompressStream(d_, &ob, &ib);
    *in_pos = ib.pos;
    *out_pos = ob.pos;
    if (ZSTD_isError(r)) {
      err = std::string("zstd: ") + ZSTD_getErrorName(r);
      return false;
    }
    boundary_ = r == 0;
    return true;
  }
  bool at_boundary() const override { return boundary_; }
  const char* name() const override { return "zstd"; }

 private:
  ZSTD_DStream* d_;
  bool boundary_ = true;  // nothing started
};

// Inflates on a thread of its own into kBuffers buffers of kOut bytes; read() hands them on.
class DecompressSource final : public Source {
 public:
  static constexpr std::size_t kIn = 256u << 10;
  static constexpr std::size_t kOut = 1u << 20;
  static constexpr std::size_t kBuffers = 4;

  DecompressSource(std::unique_ptr<Source> inner, std::unique_ptr<Decoder> dec)
      : inner_(std::move(inner)), dec_(std::move(dec)) {
    thread_ = std::thread([this] { run(); });
  }
  ~DecompressSource() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  std::ptrdiff_t read(std::uint8_t* dst, std::size_t n, std::string& err) override {
    while (cur_pos_ >= cur_.size()) {
      std::unique_lock lock(mu_);
      if (!cur_.empty()) {
        free_.push_back(std::move(cur_));
        cv_.notify_all();
      }
      cur_.clear();
      cur_pos_ = 0;
      cv_.wait(lock, [&] { return !full_.empty() || done_; });
      if (full_.empty()) {
        if (!error_.empty()) {
          err = error_;
          return -1;
        }
        return 0;
      }
      cur_ = std::move(full_.front());
      full_.pop_front();
    }
    const std::size_t k = std::min(n, cur_.size() - cur_pos_);
    std::memcpy(dst, cur_.data() + cur_pos_, k);
    cur_pos_ += k;
    return static_cast<std::ptrdiff_t>(k);
  }
  bool would_block() const override {
    if (cur_pos_ < cur_.size()) return false;
    std::lock_guard lock(mu_);
    return full_.empty() && !done_ && waiting_input_;
  }

 private:
  void run() {
    std::vector<std::uint8_t> in(kIn);
    std::size_t in_len = 0, in_pos = 0;
    bool eof = false;
    std::string err;
    std::vector<std::uint8_t> out;
    std::size_t out_pos = 0;
    auto take_buffer = [&]() -> bool {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !free_.empty() || full_.size() + 1 < kBuffers; });
      if (stop_) return false;
      if (!free_.empty()) {
        out = std::move(free_.back());
        free_.pop_back();
      }
      out.resize(kOut);
      out_pos = 0;
      return true;
    };
    auto hand_on = [&] {
      if (out_pos == 0) return;
      out.resize(out_pos);
      std::lock_guard lock(mu_);
      full_.push_back(std::move(out));
      out = {};
      out_pos = 0;
      cv_.notify_all();
    };
    if (!take_buffer()) return finish({});
    for (;;) {
      if (in_pos == in_len && !eof) {
        // A live input with nothing for now: hand on what is decoded (so results keep
        // flowing) and wait without blocking the destructor.
        while (inner_->would_block()) {
          hand_on();
          if (out.empty() && !take_buffer()) return finish({});
          waiting_input_ = true;
          {
            std::unique_lock lock(mu_);
            if (cv_.wait_for(lock, std::chrono::milliseconds(5), [&] { return stop_; })) return finish({});
          }
        }
        waiting_input_ = false;
        const std::ptrdiff_t got = inner_->read(in.data(), in.size(), err);
        if (got < 0) return finish(err);
        in_len = static_cast<std::size_t>(got);
        in_pos = 0;
        eof = got == 0;
      }
      if (eof && in_pos == in_len) {
        hand_on();
        if (!dec_->at_boundary())
          return finish(std::string(dec_->name()) +
                        " data is truncated: the input ended inside a compressed stream");
        return finish({});
      }
      if (!dec_->step(in.data(), in_len, &in_pos, out.data(), out.size(), &out_pos, err)) {
        hand_on();
        return finish(err);
      }
      if (out_pos == out.size()) {
        hand_on();
        if (!take_buffer()) return finish({});
      }
    }
  }
  void finish(std::string err) {
    std::lock_guard lock(mu_);
    error_ = std::move(err);
    done_ = true;
    cv_.notify_all();
  }

  std::unique_ptr<Source> inner_;
  std::unique_ptr<Decoder> dec_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<std::uint8_t>> full_;
  std::vector<std::vector<std::uint8_t>> free_;
  bool done_ = false, stop_ = false;
  std::atomic<bool> waiting_input_{false};
  std::string error_;
  // The reader's side.
  std::vector<std::uint8_t> cur_;
  std::size_t cur_pos_ = 0;
};

}  // namespace

std::unique_ptr<Source> open_decompressed(std::unique_ptr<Source> src, Compression* kind,
                                          std::string* head_out) {
  *kind = Compression::None;
  std::string head(4, '\0');
  std::size_t got = 0;
  std::string err;
  while (got < head.size()) {
    const std::ptrdiff_t n =
        src->read(reinterpret_cast<std::uint8_t*>(head.data()) + got, head.size() - got, err);
    if (n <= 0) break;  // the end, or an error the reader meets again on its own read
    got += static_cast<std::size_t>(n);
  }
  head.resize(got);
  if (head_out) *head_out = head;
  const auto u = [&](std::size_t i) { return static_cast<unsigned char>(head[i]); };
  std::unique_ptr<Decoder> dec;
  if (got >= 2 && u(0) == 0x1F && u(1) == 0x8B) {
    *kind = Compression::Gzip;
    dec = std::make_unique<GzipDecoder>();
  } else if (got >= 4 && u(0) == 0x28 && u(1) == 0xB5 && u(2) == 0x2F && u(3) == 0xFD) {
    *kind = Compression::Zstd;
    dec = std::make_unique<ZstdDecoder>();
  }
  auto whole = std::make_unique<PrefixSource>(std::move(src), std::move(head));
  if (!dec) return whole;
  return std::make_unique<DecompressSource>(std::move(whole), std::move(dec));
}

}  // namespace vapidiag::reader_detail
