//! What rules cannot say by themselves: names linked across a document
//! (aliases, distinctive parts, person-name boundaries) and relations that
//! need the whole document (units named after their group, deal amounts,
//! the classifier's pairs).

pub(crate) mod entities;
pub(crate) mod person_names;
pub(crate) mod relations;
