#pragma once
// Text for HTML and XML (the HTML report, JUnit): & < > " ' escaped, bad UTF-8 and control
// characters (but tab and line end) replaced by U+FFFD, so the page or file is valid UTF-8
// and well-formed whatever the log held. Private to src/report.

#include <string>
#include <string_view>

namespace vapidiag {

std::string markup_escape(std::string_view s);

}  // namespace vapidiag
