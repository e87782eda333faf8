#include "w2v/mpi_communicator.hpp"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <thread>

#include "w2v/error.hpp"

namespace w2v {
namespace {

// MPI counts are ints: larger arrays go in pieces.
constexpr std::size_t kMaxCount = std::size_t{1} << 30;

void check(int status, const char* what) {
  if (status != MPI_SUCCESS) {
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(status, text, &length);
    throw Error(std::string("MPI: ") + what + ": " + std::string(text, length));
  }
}

// Waits for `request`, sleeping between tests: a blocking call would spin on a core that
// the training threads need while the other ranks are not there yet.
void wait_gently(MPI_Request& request) {
  for (;;) {
    int done = 0;
    check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), "test");
    if (done) return;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

template <class T>
void sum_in_pieces(T* values, std::size_t n, MPI_Datatype type) {
  for (std::size_t done = 0; done < n;) {
    const std::size_t piece = std::min(kMaxCount, n - done);
    MPI_Request request;
    check(MPI_Iallreduce(MPI_IN_PLACE, values + done, static_cast<int>(piece), type, MPI_SUM,
                         MPI_COMM_WORLD, &request),
          "allreduce");
    wait_gently(request);
    done += piece;
  }
}

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator() {
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiCommunicator() override { MPI_Finalize(); }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void sum(float* values, std::size_t n) override { sum_in_pieces(values, n, MPI_FLOAT); }
  void sum(double* values, std::size_t n) override { sum_in_pieces(values, n, MPI_DOUBLE); }
  void sum(std::int64_t* values, std::size_t n) override { sum_in_pieces(values, n, MPI_INT64_T); }

  void broadcast(std::string& bytes) override {
    std::uint64_t size = bytes.size();
    check(MPI_Bcast(&size, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD), "broadcast");
    bytes.resize(size);
    for (std::size_t done = 0; done < size;) {
      const std::size_t piece = std::min<std::size_t>(kMaxCount, size - done);
      check(MPI_Bcast(bytes.data() + done, static_cast<int>(piece), MPI_CHAR, 0, MPI_COMM_WORLD),
            "broadcast");
      done += piece;
    }
  }

  // Point to point in rank order, so that no count or displacement needs to fit an int.
  std::vector<std::string> gather(const std::string& bytes) override {
    std::vector<std::uint64_t> sizes(static_cast<std::size_t>(size_));
    std::uint64_t mine = bytes.size();
    check(MPI_Gather(&mine, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, 0, MPI_COMM_WORLD),
          "gather");
    std::vector<std::string> all;
    if (rank_ == 0) {
      all.resize(sizes.size());
      all[0] = bytes;
      for (int r = 1; r < size_; ++r) {
        std::string& in = all[static_cast<std::size_t>(r)];
        in.resize(sizes[static_cast<std::size_t>(r)]);
        for (std::size_t done = 0; done < in.size();) {
          const std::size_t piece = std::min<std::size_t>(kMaxCount, in.size() - done);
          check(MPI_Recv(in.data() + done, static_cast<int>(piece), MPI_CHAR, r, kGatherTag,
                         MPI_COMM_WORLD, MPI_STATUS_IGNORE),
                "gather");
          done += piece;
        }
      }
    } else {
      for (std::size_t done = 0; done < bytes.size();) {
        const std::size_t piece = std::min<std::size_t>(kMaxCount, bytes.size() - done);
        check(MPI_Send(bytes.data() + done, static_cast<int>(piece), MPI_CHAR, 0, kGatherTag,
                       MPI_COMM_WORLD),
              "gather");
        done += piece;
      }
    }
    return all;
  }

 private:
  static constexpr int kGatherTag = 17;
  int rank_ = 0, size_ = 1;
};

}  // namespace

bool started_by_mpi_launcher() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

std::unique_ptr<Communicator> start_mpi(int* argc, char*** argv) {
  int provided = MPI_THREAD_SINGLE;
  if (MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS) {
    throw Error("MPI could not start");
  }
  if (provided < MPI_THREAD_SERIALIZED) {
    MPI_Finalize();
    throw Error("this MPI library cannot be called from more than one thread");
  }
  return std::make_unique<MpiCommunicator>();
}

}  // namespace w2v
