// vapidiag diagnose FILE...: one diagnosis per ended call, as text, JSON, NDJSON, CSV or TSV.

#include "commands.hpp"
#include "log_options.hpp"
#include "vapidiag/report.hpp"

namespace vapidiag::cli {

namespace {

// Writes each call as it comes (diagnose reads on one thread: worker 0 only).
class DiagnoseWriter final : public CallSink {
 public:
  DiagnoseWriter(const DiagnoseOptions& o, Context& ctx) : o_(o), ctx_(ctx) {}
  void on_call(std::size_t /*worker*/, const Diagnosis& d) override {
    ++rows;
    if (o_.format == "text") {
      if (rows > 1) ctx_.out.write("\n");
      ctx_.out.write(render_diagnosis_text(d, ctx_.style));
    } else if (o_.format == "json") {
      ctx_.out.write(rows == 1 ? "\n" : ",\n");
      ctx_.out.write(render_diagnosis_json(d));
    } else if (o_.format == "ndjson") {
      ctx_.out.line(render_diagnosis_json(d));
    } else {
      ctx_.out.line(render_diagnosis_row(d, delimited()));
    }
    if (o_.line_buffered) ctx_.out.finish();
  }
  DelimitedWriter delimited() const {
    return DelimitedWriter(o_.format == "csv" ? DelimitedWriter::kCsv : DelimitedWriter::kTsv);
  }
  std::uint64_t rows = 0;

 private:
  const DiagnoseOptions& o_;
  Context& ctx_;
};

}  // namespace

int run_diagnose(const DiagnoseOptions& o, Context& ctx) {
  LogReadOptions ro;
  if (!make_read_options(o.log, ctx, &ro)) return kExitUsage;
  ro.jobs = 1;
  std::vector<std::string> inputs;
  if (!resolve_inputs(o.log, ctx, &inputs)) return kExitUsage;
  DiagnoseWriter writer(o, ctx);
  const bool json = o.format == "json";
  if (o.format == "csv" || o.format == "tsv") ctx.out.line(diagnosis_header(writer.delimited()));
  if (json) ctx.out.write("[");
  StderrEvents events(ctx);
  events.flush_when_idle = true;
  const LogResult r = read_logs(inputs, ro, writer, events);
  events.clear_progress();
  if (json) ctx.out.write(writer.rows ? "\n]\n" : "]\n");
  if (o.format == "text" && ctx.env.out_is_tty && !ctx.out.closed()) {
    const Style& st = ctx.style;
    ctx.out.line(std::string(st.dim()) + with_commas(writer.rows) + " calls shown; " +
                 with_commas(r.stats.records) + " records read: " + with_commas(r.stats.calls) +
                 " ended calls, " + with_commas(r.stats.not_ended) + " not ended, " +
                 with_commas(r.stats.skipped) + " webhook messages skipped, " +
                 with_commas(r.stats.unreadable) + " unreadable" + std::string(st.reset()));
  }
  report_skipped(r, ctx);
  return input_exit(r);
}

}  // namespace vapidiag::cli
