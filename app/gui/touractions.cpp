#include "touractions.h"

namespace nwc {

TourActions::~TourActions() = default;

} // namespace nwc
