"""Federation policy: who this instance talks to. Answers Allow or Reject(reason); knows nothing of HTTP."""
