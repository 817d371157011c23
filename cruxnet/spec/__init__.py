"""Files into validated model objects: a model file (:mod:`~cruxnet.spec.model`), a worldview
file with its chain of ``extends`` (:mod:`~cruxnet.spec.worldview`), its CPT entries
(:mod:`~cruxnet.spec.forms`), parameters (:mod:`~cruxnet.spec.params`) and stated marginals
(:mod:`~cruxnet.spec.stated`). Every problem is a one-line error naming the file, node and
value; the types they build live in :mod:`cruxnet.model`."""
