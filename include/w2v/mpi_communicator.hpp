#pragma once
#include <memory>

#include "w2v/communicator.hpp"

namespace w2v {

// True when a launcher (mpirun, mpiexec, srun) started this process as a rank: it set
// the environment of Open MPI, PMIx or PMI. A process started otherwise is a job of one
// that need not start MPI (a third of a second).
bool started_by_mpi_launcher();

// The ranks of the MPI job this process belongs to (a build with -DW2V_MPI=ON): starts
// MPI, which makes a process started without mpirun a job of one (Open MPI's singleton
// start), and finalizes it when destroyed. Throws Error when MPI cannot give the thread
// support the trainer needs (one thread at a time).
std::unique_ptr<Communicator> start_mpi(int* argc, char*** argv);

}  // namespace w2v
