#pragma once
// Helpers shared by the unit tests: reading the fixture lists.

#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace vapidiag::test {

inline std::string data_path(const std::string& name) { return std::string(VAPIDIAG_TEST_DATA) + "/" + name; }

// Non-comment lines split on tabs.
inline std::vector<std::vector<std::string>> read_tsv(const std::string& name) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(data_path(name));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::size_t start = 0, tab;
    while ((tab = line.find('\t', start)) != std::string::npos) {
      cols.push_back(line.substr(start, tab - start));
      start = tab + 1;
    }
    cols.push_back(line.substr(start));
    rows.push_back(std::move(cols));
  }
  return rows;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace vapidiag::test
