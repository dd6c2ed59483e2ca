"""Training: quizzes built from the rule pack, graded by the gate, that certify collectors."""
