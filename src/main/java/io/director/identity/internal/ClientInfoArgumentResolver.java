package io.director.identity.internal;

import io.director.identity.ClientInfo;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/** Lets controllers take the caller's {@link ClientInfo} (address behind trusted proxies, user agent). */
class ClientInfoArgumentResolver implements HandlerMethodArgumentResolver {
  private final ObjectProvider<ClientAddresses> addresses;

  ClientInfoArgumentResolver(ObjectProvider<ClientAddresses> addresses) {
    this.addresses = addresses;
  }

  @Override
  public boolean supportsParameter(MethodParameter parameter) {
    return parameter.getParameterType() == ClientInfo.class;
  }

  @Override
  public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request, WebDataBinderFactory binders) {
    return addresses.getObject().of(request.getNativeRequest(HttpServletRequest.class));
  }
}
