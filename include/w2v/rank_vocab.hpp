#pragma once
#include "w2v/communicator.hpp"
#include "w2v/string_table.hpp"
#include "w2v/vocab.hpp"

namespace w2v {

// The vocabulary of a job of several ranks, each of which counted its own share of the
// corpus: the counts are merged on rank 0, which builds the vocabulary and sends it to
// every rank, so that every rank has the same words and ids as one process reading the
// whole corpus would (the order is a function of the counts alone). Collective.

// On rank 0, every rank's words with their summed counts; empty on the others.
StringTable merged_counts(Communicator& comm, const StringTable& mine);

// Rank 0's `vocab` on every rank (the argument is ignored on the others).
Vocab broadcast_vocab(Communicator& comm, const Vocab& vocab);

}  // namespace w2v
